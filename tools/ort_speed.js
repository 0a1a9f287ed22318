// Times ONNX Runtime (onnxruntime-node, CPU) inference on a model netc exported:
//   node tools/ort_speed.js MODEL.onnx BATCH THREADS STEPS
// prints one JSON line {"infer_images_per_sec": ..., "infer_step_ms": ...}: a warm-up run,
// then the median of STEPS timed runs on a random batch, with THREADS intra-op threads
// (one inter-op thread, all graph optimizations: how ORT is deployed).
// Needs NODE_PATH pointing at a node_modules with onnxruntime-node.
"use strict";
const ort = require("onnxruntime-node");

async function main() {
  const [model, batchArg, threadsArg, stepsArg] = process.argv.slice(2);
  const batch = Number(batchArg), threads = Number(threadsArg), steps = Number(stepsArg);
  if (!model || !(batch >= 1) || !(threads >= 1) || !(steps >= 1)) {
    throw new Error("usage: node ort_speed.js MODEL.onnx BATCH THREADS STEPS");
  }
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  const meta = session.inputMetadata[0];
  const shape = meta.shape.map((d, i) => (i === 0 ? batch : d));
  if (shape.some((d) => typeof d !== "number")) {
    throw new Error(`${model}: input shape ${JSON.stringify(meta.shape)} has a symbolic dimension besides the batch`);
  }
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = s / 4294967296 - 0.5;
  }
  const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", data, shape) };
  await session.run(feeds);
  const times = [];
  for (let i = 0; i < steps; i++) {
    const t = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  console.log(JSON.stringify({ infer_images_per_sec: (batch * 1000) / ms, infer_step_ms: ms, batch, threads }));
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
