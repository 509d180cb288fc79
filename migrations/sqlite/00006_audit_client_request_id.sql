-- The service generates every request ID itself; the X-Request-ID a client
-- sends is kept beside it, never in its place: 1 to 64 letters, digits,
-- '-', '_' and '.', as the application keeps them and the CHECK enforces.

-- +goose Up
ALTER TABLE audit_events ADD COLUMN client_request_id TEXT NULL
  CHECK (client_request_id IS NULL OR (length(client_request_id) BETWEEN 1 AND 64
    AND client_request_id NOT GLOB '*[^A-Za-z0-9._-]*'));

-- +goose Down
ALTER TABLE audit_events DROP COLUMN client_request_id;
