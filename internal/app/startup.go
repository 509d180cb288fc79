package app

import (
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/patgov/pats/internal/config"
	"github.com/patgov/pats/internal/httpapi"
	"github.com/patgov/pats/internal/origin"
	"github.com/patgov/pats/internal/tracing"
)

// NewLogger logs JSON in production and text in development (as
// cfg.LogFormat says), each line with the request IDs of its context and,
// when it carries a span, the trace and span IDs.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var h slog.Handler = slog.NewTextHandler(w, nil)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, nil)
	}
	return slog.New(origin.LogHandler{Handler: tracing.LogHandler{Handler: h}})
}

// WriteDevBanner writes, in development mode, a ready-to-paste header for
// the demo organization's admin (minted by the same code as the console's
// development sign-in), the console URL and, when it is served, the
// playground URL, for a server listening on addr. In production it writes
// nothing.
func (a *App) WriteDevBanner(w io.Writer, addr net.Addr) error {
	if a.devSessions == nil {
		return nil
	}
	token, _, err := a.devSessions("admin")
	if err != nil {
		return err
	}
	port := "8080"
	if tcp, ok := addr.(*net.TCPAddr); ok {
		port = fmt.Sprint(tcp.Port)
	}
	where := "the playground's Headers tab"
	playgroundLine := fmt.Sprintf("Playground: http://localhost:%s/\n", port)
	if !a.cfg.Playground {
		where, playgroundLine = "any GraphQL client's headers (the playground is off: PATS_PLAYGROUND=false)", ""
	}
	_, err = fmt.Fprintf(w, `
Development mode: no PATS_JWT_SECRET, so a random key was kept in the data folder.
Console:    http://localhost:%[1]s/admin/ (sign in as the demo admin, member or directory user)
%[5]sPaste this into %[6]s (admin of organization %[2]q, valid %[3]s):

{"Authorization": "Bearer %[4]s"}

`, port, httpapi.DevOrganization, httpapi.DevSessionLifetime, token, playgroundLine, where)
	return err
}
