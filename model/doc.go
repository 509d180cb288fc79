// Package model holds the GORM table structs, which gqlgen binds to the
// GraphQL types of the same meaning, and the GraphQL-only types that gqlgen
// generates into models_gen.go. Secret columns (the token digest) live on the
// structs but never appear in the schema.
package model
