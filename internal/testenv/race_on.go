//go:build race

package testenv

// RaceDetector is true in builds with -race, which slow the pure-Go
// SQLite engine about twentyfold: revoking 1,000 tokens takes 0.5 s
// without it and 10 s with it, more on a loaded two-core machine.
const RaceDetector = true
