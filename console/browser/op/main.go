// Command op is the OpenID Provider of the console's browser tests:
// package testop (zitadel/oidc's example provider, with its username and
// password login page) on a free loopback port, with the users the tests
// give it and one public client, the console. It is a test program, never
// part of the service.
//
// It prints one JSON line, {"msg":"serving","issuer":"http://127.0.0.1:PORT"},
// once it listens, then reads redirect URIs for the console's client from
// standard input, one a line (the console's server starts after the
// provider, on a port known only then), and answers each with
// {"msg":"redirect allowed","uri":...}. It stops when standard input
// closes, so it never outlives the test run that started it.
//
//	op -client-id pats-console -audience pats-api -users '[{"id":"u1","username":"ada@acme.test","password":"...","claims":{...}}]'
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/patgov/pats/internal/testop"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "op:", err)
		os.Exit(1)
	}
}

// user is one element of -users.
type user struct {
	ID        string         `json:"id"`
	Username  string         `json:"username"`
	Password  string         `json:"password"`
	FirstName string         `json:"firstName"`
	LastName  string         `json:"lastName"`
	Email     string         `json:"email"`
	Claims    map[string]any `json:"claims"`
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	flags := flag.NewFlagSet("op", flag.ContinueOnError)
	clientID := flags.String("client-id", "pats-console", "the console's client ID")
	audience := flags.String("audience", "pats-api", "the API's audience in access tokens (PATS_JWT_AUDIENCE)")
	usersJSON := flags.String("users", "[]", "the users, as a JSON array")
	if err := flags.Parse(args); err != nil {
		return err
	}
	var users []user
	if err := json.Unmarshal([]byte(*usersJSON), &users); err != nil {
		return fmt.Errorf("-users: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	issuer := "http://" + ln.Addr().String()
	p, err := testop.New(issuer, *audience, jose.RS256)
	if err != nil {
		return err
	}
	for _, u := range users {
		p.Storage.AddUser(testop.User{
			ID: u.ID, Username: u.Username, Password: u.Password,
			FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, Claims: u.Claims,
		})
	}
	p.Storage.AddPublicClient(*clientID)

	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	out := json.NewEncoder(stdout)
	if err := out.Encode(map[string]string{"msg": "serving", "issuer": issuer}); err != nil {
		return err
	}

	lines := make(chan error, 1)
	go func() {
		scanner := bufio.NewScanner(stdin)
		for scanner.Scan() {
			uri := strings.TrimSpace(scanner.Text())
			if uri == "" {
				continue
			}
			p.Storage.AddRedirectURI(*clientID, uri)
			if err := out.Encode(map[string]string{"msg": "redirect allowed", "uri": uri}); err != nil {
				slog.Error("write", "err", err)
			}
		}
		lines <- scanner.Err()
	}()
	select {
	case err := <-served:
		return err
	case err := <-lines: // standard input closed: the tests are over
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if shutdownErr := srv.Shutdown(ctx); shutdownErr != nil && !errors.Is(shutdownErr, http.ErrServerClosed) {
			return shutdownErr
		}
		return err
	}
}
