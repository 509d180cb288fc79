//go:build !race

package testenv

// raceDetector is false in builds without -race (see race_on.go).
const raceDetector = false
