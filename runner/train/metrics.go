package train

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/netc/netc/internal/userfile"
	"github.com/netc/netc/tensorio"
)

// metricsHeader is metrics.csv's columns. lr is the learning rate of the epoch's last
// step; files written before it existed have the first six columns only.
var metricsHeader = []string{"epoch", "loss", "train_acc", "test_acc", "images_per_sec", "seconds", "lr"}

// writeMetrics rewrites metrics.csv, atomically, with one row per epoch.
func writeMetrics(path string, hist []EpochStats) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(metricsHeader)
	for _, h := range hist {
		w.Write([]string{strconv.Itoa(h.Epoch), f(h.Loss), f(h.TrainAcc), f(h.TestAcc),
			strconv.FormatFloat(h.ImagesPerSec, 'f', 1, 64), strconv.FormatFloat(h.Seconds, 'f', 2, 64),
			strconv.FormatFloat(h.LR, 'g', -1, 64)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return tensorio.WriteFileAtomic(path, func(out io.Writer) error {
		_, err := out.Write(buf.Bytes())
		return err
	})
}

func f(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }

// readMetrics reads the first epochs rows of a run's metrics.csv (a resumed run drops
// rows beyond its checkpoint, which a crash may have left).
func readMetrics(path string, epochs int) ([]EpochStats, error) {
	raw, err := userfile.ReadFile(path, maxRunTextBytes)
	if errors.Is(err, os.ErrNotExist) && epochs == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []EpochStats
	for i, row := range rows {
		if i == 0 || len(out) >= epochs {
			continue
		}
		if len(row) != len(metricsHeader) && len(row) != len(metricsHeader)-1 {
			return nil, fmt.Errorf("%s:%d: %d fields, expected %d", path, i+1, len(row), len(metricsHeader))
		}
		var s EpochStats
		var errs [7]error
		s.Epoch, errs[0] = strconv.Atoi(row[0])
		s.Loss, errs[1] = strconv.ParseFloat(row[1], 64)
		s.TrainAcc, errs[2] = strconv.ParseFloat(row[2], 64)
		s.TestAcc, errs[3] = strconv.ParseFloat(row[3], 64)
		s.ImagesPerSec, errs[4] = strconv.ParseFloat(row[4], 64)
		s.Seconds, errs[5] = strconv.ParseFloat(row[5], 64)
		if len(row) > 6 {
			s.LR, errs[6] = strconv.ParseFloat(row[6], 64)
		}
		if err := errors.Join(errs[:]...); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
		out = append(out, s)
	}
	if len(out) < epochs {
		return nil, fmt.Errorf("%s has %d epochs, the checkpoint %d", path, len(out), epochs)
	}
	return out, nil
}
