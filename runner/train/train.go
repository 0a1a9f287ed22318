package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/internal/userfile"
	"github.com/netc/netc/runner"
	"github.com/netc/netc/tensorio"
)

// Files of a run directory besides the checkpoints.
const (
	SpecFile    = "spec.toml"
	RunFile     = "run.json"
	MetricsFile = "metrics.csv"
	CurvesFile  = "curves.png"
)

// maxRunTextBytes bounds what is read back from a run directory's text files (run.json
// holds the spec's source, itself at most 1 MiB).
const maxRunTextBytes = 16 << 20

// Run is a training run bound to its directory.
type Run struct {
	Cfg     Config
	Graph   *ir.Graph
	Model   *runner.Model
	Opt     runner.Optimizer
	Data    *data.Dataset
	History []EpochStats
	Init    *runner.InitReport // what --init-from loaded (nil without it)
	Frozen  []string           // the parameters --freeze froze

	trainL, testL *data.Loader
	st            state
	obs           Observer
	lock          *os.File // the run directory's lock
}

// ErrInterrupted is returned when the context is cancelled (SIGINT, SIGTERM): the step
// in progress finished and a checkpoint was written.
var ErrInterrupted = errors.New("training interrupted")

// DivergedError reports a loss that became NaN or infinite.
type DivergedError struct {
	Epoch, Step int // 1-based epoch, 0-based step within it
	Loss        float32
	Layer       string // first step whose output is not finite, or the parameter that is not
	LR          float64
}

func (e *DivergedError) Error() string {
	where := "no layer output is non-finite when the batch is run again"
	if e.Layer != "" {
		where = "the first non-finite value appears in " + e.Layer
	}
	what := fmt.Sprintf("loss is %v", e.Loss)
	if !math.IsNaN(float64(e.Loss)) && !math.IsInf(float64(e.Loss), 0) {
		what = "training diverged"
	}
	return fmt.Sprintf("%s at epoch %d, step %d; %s. The learning rate %g is probably too high: try --lr %g. The last checkpoint (from before this epoch) is untouched.",
		what, e.Epoch, e.Step, where, e.LR, e.LR/10)
}

// New starts a fresh run; see NewContext.
func New(cfg Config, g *ir.Graph, obs Observer) (*Run, error) {
	return NewContext(context.Background(), cfg, g, obs)
}

// CompileFunc compiles a spec's source (with its --set overrides and --input), as
// compiler.CheckSource does; Resume uses it for the spec a run directory holds, so that
// this package needs no front end of its own.
type CompileFunc func(file string, src []byte, set []string, input string) (*ir.Graph, error)

// NewContext starts a fresh run of g, the graph compiled from cfg.SpecSource with
// cfg.Set and cfg.Input (the source is what the run directory keeps): it checks the
// recipe, binds the network (refusing what
// does not fit in memory), loads the data, and only then creates and locks the run
// directory, writes the spec and options there and initializes the weights from the seed.
// When ctx is cancelled before the directory is created it returns ErrInterrupted and
// has written nothing. The Run holds the directory's lock until Train returns or Close.
func NewContext(ctx context.Context, cfg Config, g *ir.Graph, obs Observer) (*Run, error) {
	cfg.fillFromSpec(g)
	cfg.DataDir, cfg.Data = ResolveData(cfg.DataDir, cfg.Data, g)
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	r, err := setup(cfg, g, obs)
	if err != nil {
		return nil, err
	}
	// The weights come before the directory: a --init-from that does not fit leaves nothing.
	if err := r.Model.Params.Init(r.Cfg.Init, r.Cfg.Seed); err != nil {
		return nil, err
	}
	if cfg.InitFrom != "" {
		if r.Init, err = r.Model.Params.InitFrom(cfg.InitFrom); err != nil {
			return nil, err
		}
	}
	r.Cfg.DataUsed = DataRecord{Dir: Embedded, Fingerprint: r.Data.Fingerprint()}
	if r.Data.Origin != data.FromEmbedded {
		if r.Cfg.DataUsed.Dir, err = filepath.Abs(r.Data.Dir); err != nil {
			return nil, err
		}
	}
	if ctx.Err() != nil {
		return nil, ErrInterrupted
	}
	if r.Cfg.Out, err = createRunDir(cfg.Out, cfg.Spec, time.Now()); err != nil {
		return nil, err
	}
	if r.lock, err = lockRunDir(r.Cfg.Out); err != nil {
		return nil, err
	}
	// Another process may have written between the mkdir and the lock.
	if err := checkEmpty(r.Cfg.Out); err != nil {
		r.Close()
		return nil, err
	}
	r.st = state{SpecHash: r.Cfg.Hash(), Record: r.Cfg.record(), RNG: r.rngState()}
	if err := writeAtomic(filepath.Join(r.Cfg.Out, SpecFile), r.Cfg.SpecSource); err != nil {
		r.Close()
		return nil, err
	}
	raw, _ := json.MarshalIndent(r.Cfg, "", "  ")
	if err := writeAtomic(filepath.Join(r.Cfg.Out, RunFile), append(raw, '\n')); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Resume reopens a run directory and continues from its checkpoint; see ResumeContext.
func Resume(dir string, epochs int, compile CompileFunc, obs Observer) (*Run, error) {
	return ResumeContext(context.Background(), dir, epochs, compile, obs)
}

// ResumeContext reopens a run directory and continues from its checkpoint. epochs, when
// > 0, changes the number of epochs to train in total. It refuses a run.json that
// disagrees with the checkpoint, a checkpoint that is incomplete, and data that is not
// what the run recorded. It locks the directory (refusing one another process trains in)
// and removes the temporary files of writes a crash interrupted. compile compiles the
// spec the directory keeps.
func ResumeContext(ctx context.Context, dir string, epochs int, compile CompileFunc, obs Observer) (*Run, error) {
	raw, err := userfile.ReadFile(filepath.Join(dir, RunFile), maxRunTextBytes)
	if err != nil {
		return nil, fmt.Errorf("%s is not a run directory: %w", dir, err)
	}
	lock, err := lockRunDir(dir)
	if err != nil {
		return nil, err
	}
	r, err := resumeLocked(ctx, dir, raw, epochs, compile, obs)
	if err != nil {
		lock.Close()
		return nil, err
	}
	r.lock = lock
	return r, nil
}

func resumeLocked(ctx context.Context, dir string, raw []byte, epochs int, compile CompileFunc, obs Observer) (*Run, error) {
	if err := removeStaleTemps(dir); err != nil {
		return nil, err
	}
	var cfg Config
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, RunFile), err)
	}
	var err error
	if cfg.SpecSource, err = userfile.ReadFile(filepath.Join(dir, SpecFile), maxRunTextBytes); err != nil {
		return nil, err
	}
	cfg.Spec, cfg.Out = filepath.Join(dir, SpecFile), dir
	if epochs > 0 {
		if err := cfg.schedule().AllowsEpochs(cfg.Epochs, epochs); err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		cfg.Epochs = epochs
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, RunFile), err)
	}
	if cfg.DataUsed.Dir == "" {
		return nil, fmt.Errorf("%s does not record the data the run trained on (written by an older netc?); start a new run", filepath.Join(dir, RunFile))
	}
	g, err := compile(cfg.Spec, cfg.SpecSource, cfg.Set, cfg.Input)
	if err != nil {
		return nil, err
	}
	ck := filepath.Join(dir, CheckpointFile)
	ts, st, err := readCheckpoint(ck)
	if err != nil {
		return nil, err
	}
	if st.SpecHash != cfg.Hash() {
		return nil, fmt.Errorf("%s was written for another spec or options than %s holds now (was the spec edited?); refusing to resume", ck, cfg.Spec)
	}
	if d := recordDiff(cfg.record(), st.Record); len(d) > 0 {
		return nil, fmt.Errorf("%s disagrees with %s: %s; refusing to resume (restore %s, or start a new run)", filepath.Join(dir, RunFile), ck, strings.Join(d, "; "), RunFile)
	}
	r, err := setup(cfg, g, obs)
	if err != nil {
		return nil, err
	}
	if fp := r.Data.Fingerprint(); fp != cfg.DataUsed.Fingerprint {
		return nil, fmt.Errorf("the data in %s is not what the run trained on (fingerprint %s, the run recorded %s); refusing to resume", cfg.DataUsed.Dir, fp, cfg.DataUsed.Fingerprint)
	}
	if err := restoreCheckpoint(ck, ts, st, r.Model.Params, r.Opt); err != nil {
		return nil, err
	}
	if st.Batch > r.trainL.NumBatches() {
		return nil, fmt.Errorf("%s: batch %d of an epoch of %d batches", ck, st.Batch, r.trainL.NumBatches())
	}
	if err := r.Model.Seed(st.RNG); err != nil {
		return nil, fmt.Errorf("%s: %w", ck, err)
	}
	r.st = st
	if r.History, err = readMetrics(filepath.Join(dir, MetricsFile), st.Epoch); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, ErrInterrupted
	}
	return r, nil
}

// setup binds the model and loads the data. The network comes first: a wrong --disable,
// a batch batchnorm cannot take or a network too large for memory is reported before the
// data is read.
func setup(cfg Config, g *ir.Graph, obs Observer) (*Run, error) {
	if obs == nil {
		obs = nopObserver{}
	}
	eb := cfg.EvalBatch
	if eb == 0 {
		eb = cfg.Batch
	}
	if err := runner.CheckTrainBatch(g, cfg.Batch); err != nil {
		return nil, err
	}
	if err := checkRunMemory(g, cfg, eb); err != nil {
		return nil, err
	}
	m, err := runner.NewModel(g)
	if err != nil {
		return nil, err
	}
	m.Disable = cfg.Disable
	if _, err := m.Net(plan.Training, cfg.Batch); err != nil {
		return nil, err
	}
	if _, err := m.Net(plan.Inference, eb); err != nil {
		return nil, err
	}
	m.SeedRNG(dropoutSeed(cfg.Seed))
	ds, err := loadRunData(&cfg, g)
	if err != nil {
		return nil, err
	}
	r := &Run{Cfg: cfg, Graph: g, Model: m, Data: ds, obs: obs}
	if r.Opt, err = runner.NewOptimizer(m.Params, cfg.optimizerConfig()); err != nil {
		return nil, err
	}
	if r.Frozen, err = m.Params.Freeze(cfg.Freeze); err != nil {
		return nil, err
	}
	h, w := g.Input[1], g.Input[2]
	minBatch, _ := runner.MinTrainBatch(g)
	tc := cfg.Data.TrainLoader(h, w, cfg.Batch, cfg.Seed, cfg.TrainLimit)
	tc.MinBatch = minBatch
	if r.trainL, err = data.NewLoader(ds.Train, tc); err != nil {
		return nil, err
	}
	if r.testL, err = data.NewLoader(ds.Test, cfg.Data.TestLoader(h, w, eb, cfg.TestLimit)); err != nil {
		return nil, err
	}
	switch {
	case r.trainL.NumBatches() == 0 && r.trainL.Len() > 0:
		return nil, fmt.Errorf("%s: %d training image is not a batch batchnorm can normalize; train on at least 2", ds.Source, r.trainL.Len())
	case r.trainL.Len() == 0:
		return nil, fmt.Errorf("%s: no training images", ds.Source)
	case r.testL.Len() == 0:
		return nil, fmt.Errorf("%s: no test images", ds.Source)
	}
	return r, nil
}

// checkRunMemory refuses a run whose parameters, optimizer state (SGD's momentum, AdamW's two
// moments) and two arenas together exceed the available memory, before any of them is
// allocated.
func checkRunMemory(g *ir.Graph, cfg Config, evalBatch int) error {
	var need float64 // saturating: the sizes of a hostile spec overflow int64
	for _, o := range []plan.Options{
		runner.PlanOptions(plan.Training, cfg.Batch, cfg.Disable),
		runner.PlanOptions(plan.Inference, evalBatch, cfg.Disable),
	} {
		p, err := plan.Build(g, o)
		if err != nil {
			return err
		}
		if need == 0 {
			need = float64(runner.ParamBytes(p.Params)) * 1.5 // values, gradients and momentum
			if cfg.Optimizer == runner.OptAdamW {
				need += trainableBytes(p.Params) // AdamW keeps a second moment per trainable value
			}
		}
		need += float64(runner.NetBytes(p))
	}
	return runner.CheckMemory(fmt.Sprintf("training %s at batch %d", g.Name, cfg.Batch), int64(min(need, math.MaxInt64)))
}

// trainableBytes is the float32 size of the trainable parameters, each counted once.
func trainableBytes(ps []plan.Param) float64 {
	seen := map[string]bool{}
	var total float64
	for _, t := range ps {
		if !t.Trainable || seen[t.Name] {
			continue
		}
		seen[t.Name] = true
		n := 4.0
		for _, d := range t.Shape {
			n *= float64(d)
		}
		total += n
	}
	return total
}

// loadRunData reads what cfg names, in its format and converted for g: the recorded
// directory when resuming (with the recorded options, a measured normalization included),
// else --data's search. It measures a normalization cfg asks for and holds none of yet.
func loadRunData(cfg *Config, g *ir.Graph) (*data.Dataset, error) {
	if cfg.DataUsed.Dir == "" {
		return OpenData(cfg.DataDir, &cfg.Data, g, cfg.Seed)
	}
	return openData(cfg.DataUsed.Dir, true, &cfg.Data, g, cfg.Seed)
}

// Close releases the run directory's lock. Train calls it when it returns.
func (r *Run) Close() {
	if r.lock != nil {
		r.lock.Close()
		r.lock = nil
	}
}

// DroppedImages is how many training images each epoch leaves out: a last batch of one,
// which a batchnorm after a linear layer cannot normalize (drop_last for that case).
func (r *Run) DroppedImages() int { return r.trainL.Dropped() }

// dropoutSeed derives the dropout stream's seed from the run's seed. Params.Init draws the
// initial weights from kernels.NewRNG(seed) itself: seeding dropout with the same value
// replays those draws as the first masks, dropping an element exactly where the matching
// weight is negative (NiN's first 40 steps at batch 128). The mix is splitmix64's
// finalizer over the seed and a label, so neighbouring seeds give unrelated streams.
func dropoutSeed(seed uint64) uint64 {
	z := seed ^ 0x6e6574632f64726f // "netc/dro"
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// TrainImages and TestImages are the sizes of the splits in use.
func (r *Run) TrainImages() int { return r.trainL.Len() }
func (r *Run) TestImages() int  { return r.testL.Len() }

// EpochsDone is the number of complete epochs.
func (r *Run) EpochsDone() int { return r.st.Epoch }

// Position is where the run stands: the epoch in progress (1-based) and the steps of it
// already done.
func (r *Run) Position() (epoch, steps int) { return r.st.Epoch + 1, r.st.Batch }

func (r *Run) rngState() []byte {
	b, _ := r.Model.RNG().MarshalBinary()
	return b
}

// Train runs the remaining epochs. It returns ErrInterrupted after writing a checkpoint
// when ctx is cancelled, and a *DivergedError when the loss is not finite.
func (r *Run) Train(ctx context.Context) error {
	defer r.Close()
	r.obs.Start(r)
	classes := r.Graph.Classes
	for r.st.Epoch < r.Cfg.Epochs {
		e := r.st.Epoch
		start := time.Now()
		r.obs.EpochStart(e+1, r.Cfg.Epochs, r.trainL.NumBatches(), r.st.Batch)
		// The loader gets its own context: a signal must let the step finish and the
		// checkpoint record the position, not end the epoch early.
		ep, err := r.trainL.EpochFrom(context.Background(), e, r.st.Batch)
		if err != nil {
			return err
		}
		for {
			b, ok := ep.Next()
			if !ok {
				break
			}
			net, err := r.Model.Net(plan.Training, b.N)
			if err != nil {
				ep.Close()
				return err
			}
			r.beforeStep(net, e, b.Index)
			copy(net.Input(), b.X)
			net.Forward(true)
			loss, _ := net.Loss(b.Y[:b.N])
			if math.IsNaN(float64(loss)) || math.IsInf(float64(loss), 0) {
				ep.Close()
				return r.diverged(net, b, loss)
			}
			r.st.PartialCorrect += countCorrect(net.Logits(), b.Y[:b.N], classes)
			net.Backward()
			r.clip()
			r.Opt.Step()
			r.st.PartialLoss += float64(loss) * float64(b.N)
			r.st.PartialSeen += b.N
			r.st.Batch = b.Index + 1
			elapsed := r.st.PartialSeconds + time.Since(start).Seconds()
			r.obs.Step(b.Index, r.st.PartialLoss/float64(r.st.PartialSeen), float64(r.st.PartialSeen)/elapsed)
			if ctx.Err() != nil {
				ep.Close()
				r.st.PartialSeconds += time.Since(start).Seconds()
				return r.interrupt()
			}
		}
		if err := ep.Close(); err != nil {
			return err
		}
		// With batchnorm, a learning rate far too high can leave the loss finite while the
		// running statistics or weights overflow; that is divergence too.
		if p := firstNonFiniteParam(r.Model.Params); p != "" {
			return &DivergedError{Epoch: e + 1, Step: r.trainL.NumBatches() - 1, Loss: float32(r.st.PartialLoss / float64(max(1, r.st.PartialSeen))),
				Layer: "parameter " + p, LR: r.Cfg.LR}
		}
		trainSeconds := r.st.PartialSeconds + time.Since(start).Seconds()
		r.obs.Evaluating()
		// A signal during the evaluation stops it: the checkpoint records every batch of
		// the epoch as done, and resuming evaluates again (evaluation draws no random numbers).
		res, err := Evaluate(ctx, r.Model, r.testL, classes)
		if ctx.Err() != nil {
			r.st.PartialSeconds = trainSeconds
			return r.interrupt()
		}
		if err != nil {
			return err
		}
		s := EpochStats{
			Epoch: e + 1, Epochs: r.Cfg.Epochs,
			Loss:         r.st.PartialLoss / float64(max(1, r.st.PartialSeen)),
			TrainAcc:     float64(r.st.PartialCorrect) / float64(max(1, r.st.PartialSeen)),
			TestAcc:      res.Accuracy(),
			ImagesPerSec: float64(r.st.PartialSeen) / trainSeconds,
			LR:           r.epochLR(e),
			Seconds:      r.st.PartialSeconds + time.Since(start).Seconds(),
		}
		r.History = append(r.History, s)
		s.ETA = r.eta()
		r.History[len(r.History)-1].ETA = s.ETA
		if err := r.endEpoch(s); err != nil {
			return err
		}
		r.obs.EpochEnd(s)
		if ctx.Err() != nil && r.st.Epoch < r.Cfg.Epochs {
			return ErrInterrupted
		}
	}
	return nil
}

// eta estimates the time left from the epochs so far.
func (r *Run) eta() time.Duration {
	if len(r.History) == 0 {
		return 0
	}
	var sum float64
	for _, h := range r.History {
		sum += h.Seconds
	}
	left := r.Cfg.Epochs - r.History[len(r.History)-1].Epoch
	return time.Duration(sum / float64(len(r.History)) * float64(left) * float64(time.Second))
}

// endEpoch writes metrics, curves, last/best weights and the checkpoint.
func (r *Run) endEpoch(s EpochStats) error {
	dir := r.Cfg.Out
	if err := writeMetrics(filepath.Join(dir, MetricsFile), r.History); err != nil {
		return err
	}
	if err := drawCurves(filepath.Join(dir, CurvesFile), r.Graph.Name, r.History); err != nil {
		return err
	}
	meta := map[string]string{"spec": r.Graph.Name, "epoch": fmt.Sprint(s.Epoch), "test_acc": fmt.Sprintf("%.4f", s.TestAcc)}
	if err := r.Model.Params.Save(filepath.Join(dir, LastFile), meta); err != nil {
		return err
	}
	if s.TestAcc > r.st.BestAcc || r.st.BestEpoch == 0 {
		r.st.BestAcc, r.st.BestEpoch = s.TestAcc, s.Epoch
		if err := r.Model.Params.Save(filepath.Join(dir, BestFile), meta); err != nil {
			return err
		}
	}
	r.st = state{SpecHash: r.st.SpecHash, Record: r.st.Record, Epoch: s.Epoch, Batch: 0, RNG: r.rngState(),
		BestAcc: r.st.BestAcc, BestEpoch: r.st.BestEpoch}
	return saveCheckpoint(filepath.Join(dir, CheckpointFile), r.Model.Params, r.Opt, r.st)
}

// interrupt writes a checkpoint in the middle of an epoch.
func (r *Run) interrupt() error {
	r.st.RNG = r.rngState()
	if err := saveCheckpoint(filepath.Join(r.Cfg.Out, CheckpointFile), r.Model.Params, r.Opt, r.st); err != nil {
		return fmt.Errorf("interrupted, and the checkpoint could not be written: %w", err)
	}
	return ErrInterrupted
}

// diverged runs the batch again one step at a time to name the first layer whose output
// is not finite.
func (r *Run) diverged(net *runner.Net, b *data.Batch, loss float32) error {
	layer := ""
	if p := firstNonFiniteParam(r.Model.Params); p != "" {
		layer = "parameter " + p
	} else {
		copy(net.Input(), b.X)
		layer = net.ForwardChecked(true)
	}
	return &DivergedError{Epoch: r.st.Epoch + 1, Step: b.Index, Loss: loss, Layer: layer, LR: r.Cfg.LR}
}

// Embedded is the --data value that selects the subset built into netc, whatever else is
// installed (tests use it to be the same everywhere).
const Embedded = "embedded"

// LoadData finds the data set for --data dir.
func LoadData(dir string) (*data.Dataset, error) {
	if dir == Embedded {
		return data.LoadEmbedded()
	}
	return data.Load(dir)
}

func writeAtomic(path string, b []byte) error {
	return tensorio.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
