// Runs an ONNX model with ONNX Runtime (the onnxruntime-node package) on a float32 .npy
// batch and writes the output as .npy:  node ort_run.js MODEL.onnx X.npy Y.npy
// The Go tests use it as an outside runtime; it needs only node and onnxruntime-node.
"use strict";
const fs = require("fs");
const ort = require("onnxruntime-node");

function readNPY(path) {
  const buf = fs.readFileSync(path);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString("latin1", start, start + hlen);
  if (!header.includes("'<f4'") || header.includes("'fortran_order': True")) {
    throw new Error(`${path}: expected a C-order little-endian float32 array, found ${header}`);
  }
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(",").filter((s) => s.trim() !== "").map(Number);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + start + hlen, buf.byteOffset + buf.length));
  return { shape, data };
}

function writeNPY(path, shape, data) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += " ".repeat(pad % 64) + "\n";
  const pre = Buffer.alloc(10);
  pre.write("\x93NUMPY", 0, "latin1");
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  fs.writeFileSync(path, Buffer.concat([pre, Buffer.from(header, "latin1"), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

async function main() {
  const [model, xPath, yPath] = process.argv.slice(2);
  const x = readNPY(xPath);
  const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: "disabled" });
  const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", x.data, x.shape) };
  const out = await session.run(feeds);
  const y = out[session.outputNames[0]];
  writeNPY(yPath, y.dims, y.data);
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
