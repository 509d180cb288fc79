// Package model is the GraphQL layer's own types: what gqlgen generates
// into models_gen.go (inputs, payloads, GraphQL-only enums), the Relay
// connections, and the wire form of the entity enums and Time that gqlgen
// binds to (package entity). Only the GraphQL layer (graph, resolvers,
// httpapi) imports it; the domain never does.
package model
