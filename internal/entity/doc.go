// Package entity holds the records the service keeps and reasons about:
// organizations with their token policy, users, personal access tokens and
// audit events, with their enums and the millisecond Time they are stamped
// with. They are GORM table structs (package store reads and writes them)
// and the values the domain (package pat) takes and returns; the GraphQL
// layer binds its types to them (gqlgen.yml) and marshals the enums and
// Time itself (package model), so nothing here knows of GraphQL. Secret
// columns (the token digest) live on the structs but never appear in the
// schema.
package entity
