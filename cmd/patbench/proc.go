package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// moduleRoot is the folder of the service's go.mod.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module: run patbench from the service's module")
	}
	return filepath.Dir(gomod), nil
}

// buildServer builds the service binary into dir.
func buildServer(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "pats")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = childAttr()
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build: %w", err)
	}
	return bin, nil
}

// childEnv is the current environment without PATS_* variables, plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PATS_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// runSeed runs `pats seed` with args, streaming its progress to stderr.
func runSeed(ctx context.Context, bin, dbURL string, args ...string) error {
	cmd := exec.CommandContext(ctx, bin, append([]string{"seed"}, args...)...)
	cmd.Env = childEnv("PATS_DATABASE_URL=" + dbURL)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = childAttr()
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s seed %s: %w", filepath.Base(bin), strings.Join(args, " "), err)
	}
	return nil
}

// server is a running service subprocess.
type server struct {
	label   string
	base    string
	cmd     *exec.Cmd
	logPath string
	logFile *os.File
	exited  chan struct{}
	waitErr error
	peakKB  int64
}

// freePort returns a loopback port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startServer starts the service and waits until GET /readyz answers 200.
func startServer(ctx context.Context, bin, dir, label string, env []string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	logPath := filepath.Join(dir, "server-"+label+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Env = childEnv(append(env, "PATS_ADDR="+addr, "PATS_LOG_FORMAT=json")...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start server: %w", err)
	}
	s := &server{label: label, base: "http://" + addr, cmd: cmd, logPath: logPath, logFile: logFile, exited: make(chan struct{})}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	logf("server %q: pid %d on %s, log %s", label, cmd.Process.Pid, addr, logPath)

	hc := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/readyz", nil)
		resp, err := hc.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-s.exited:
			s.stop()
			return nil, fmt.Errorf("server %q exited before it was ready (%v); log tail:\n%s", label, s.waitErr, tail(logPath, 20))
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("server %q not ready after 60s; log tail:\n%s", label, tail(logPath, 20))
		}
	}
}

// stop records the server's peak RSS, then stops it: SIGTERM, and SIGKILL
// if it has not exited within 25 s. Safe to call more than once.
func (s *server) stop() {
	if s == nil || s.cmd == nil {
		return
	}
	select {
	case <-s.exited:
	default:
		if kb, err := peakRSSKB(s.cmd.Process.Pid); err == nil {
			s.peakKB = max(s.peakKB, kb) // a workload may have reset VmHWM (resetPeak)
		}
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(25 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		logf("server %q stopped (peak RSS %.1f MB)", s.label, float64(s.peakKB)/1024)
	}
	s.logFile.Close()
	s.cmd = nil
}

// peakRSSKB reads VmHWM (the resident set's high-water mark) of pid.
func peakRSSKB(pid int) (int64, error) { return procStatusKB(pid, "VmHWM:") }

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// randomText returns n random alphanumeric characters.
func randomText(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// readLines reads the non-empty lines of a file.
func readLines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for line := range strings.SplitSeq(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out, nil
}
