//go:build !race

package testenv

// RaceDetector is false in builds without -race (see race_on.go).
const RaceDetector = false
