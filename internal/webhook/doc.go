// Package webhook holds the parts of webhook delivery that need no
// database: signing per the Standard Webhooks specification, an HTTP
// client that cannot be aimed at internal networks, one delivery attempt
// with a classified result, and the retry schedule.
//
// The delivery workers (outbox, delivery rows) live elsewhere and call
// these pieces; keeping them free of storage lets them be tested against
// real HTTP servers and the specification's own vectors.
package webhook
