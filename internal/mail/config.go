package mail

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Default ports: 587 is message submission with STARTTLS (RFC 6409), 465
// submission over implicit TLS (RFC 8314). Port 25 is for relaying between
// servers, not for a service submitting its own mail.
const (
	DefaultSubmissionPort  = 587
	DefaultImplicitTLSPort = 465
)

// Config says where and how a Sender submits mail. ParseURL builds it from
// PATS_SMTP_URL. Its String, GoString and LogValue hide the password, so a
// Config can be printed or logged as it is.
type Config struct {
	// Host is the submission server's name or IP address; TLS
	// certificates are checked against it.
	Host string
	// Port is the server's TCP port.
	Port int
	// Username and Password authenticate with SMTP AUTH when Username is
	// set. Credentials are sent only over TLS, or in plaintext to a
	// loopback host (a local development server).
	Username string
	Password string `json:"-"`
	// TLS is how the connection is protected.
	TLS TLSMode
}

// urlForm is the hint every ParseURL error ends with; it shows the shape
// expected without repeating anything of the value given.
const urlForm = "expected smtp://user:password@host:port (STARTTLS, port 587 by default; " +
	"?starttls=opportunistic or ?starttls=none for development servers) or smtps://user:password@host:port (implicit TLS, port 465 by default)"

// ParseURL reads PATS_SMTP_URL. The scheme chooses the protection: smtp://
// requires STARTTLS unless the query says starttls=opportunistic or
// starttls=none (for local development servers; both are refused with
// smtps://), smtps:// is implicit TLS. User name and password are
// percent-decoded and optional; a password needs a user name. Anything
// else in the URL (a path, another query parameter, a fragment) is refused
// rather than ignored, so a typo cannot quietly weaken the connection.
//
// Errors never contain the password, nor any other part of the value but a
// scheme: a URL that does not parse as meant could hold its password
// anywhere.
func ParseURL(raw string) (Config, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Config{}, errors.New("PATS_SMTP_URL is empty; " + urlForm)
	}
	// url.Parse's errors quote the whole input, password included: they
	// are dropped, not wrapped.
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, errors.New("PATS_SMTP_URL is not a valid URL (a password with / ? # @ or % must be percent-encoded); " + urlForm)
	}
	var cfg Config
	switch u.Scheme {
	case "smtp":
		cfg.TLS, cfg.Port = StartTLSRequired, DefaultSubmissionPort
	case "smtps":
		cfg.TLS, cfg.Port = ImplicitTLS, DefaultImplicitTLSPort
	default:
		// The scheme is echoed only when it is one, short and followed
		// by "://": in "user:secret@host" url.Parse takes "user" for it.
		if u.Scheme != "" && len(u.Scheme) <= 16 && strings.HasPrefix(strings.ToLower(raw), u.Scheme+"://") {
			return Config{}, fmt.Errorf("PATS_SMTP_URL has scheme %q, not smtp or smtps; %s", u.Scheme, urlForm)
		}
		return Config{}, errors.New("PATS_SMTP_URL does not start with smtp:// or smtps://; " + urlForm)
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return Config{}, errors.New("PATS_SMTP_URL names no host; " + urlForm)
	}
	cfg.Host = u.Hostname()
	if !validHost(cfg.Host) {
		return Config{}, errors.New("PATS_SMTP_URL has a host that is neither an IP address nor a DNS name; " + urlForm)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Config{}, errors.New("PATS_SMTP_URL has a port outside 1-65535; " + urlForm)
		}
		cfg.Port = n
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
		if cfg.Username == "" {
			return Config{}, errors.New("PATS_SMTP_URL has a password but no user name; " + urlForm)
		}
	}
	// An @ past the host is a password's unencoded / ? or #: url.Parse
	// cut the password there and read the rest as path, query or fragment.
	if strings.Contains(u.Path+u.RawQuery+u.Fragment, "@") {
		return Config{}, errors.New("PATS_SMTP_URL has an @ after its host: percent-encode / ? # @ and % in the user name and password; " + urlForm)
	}
	if u.Path != "" && u.Path != "/" {
		return Config{}, errors.New("PATS_SMTP_URL has a path; " + urlForm)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return Config{}, errors.New("PATS_SMTP_URL has a fragment (#...); " + urlForm)
	}
	if err := cfg.parseQuery(u.RawQuery); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// parseQuery applies the query's one parameter, starttls.
func (c *Config) parseQuery(raw string) error {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return errors.New("PATS_SMTP_URL has a malformed query; " + urlForm)
	}
	for key, values := range q {
		if key != "starttls" {
			// Neither key nor value is echoed: a password's unencoded
			// characters can land in the query.
			return errors.New("PATS_SMTP_URL has an unknown query parameter (only starttls is known)")
		}
		if len(values) != 1 {
			return errors.New("PATS_SMTP_URL gives starttls more than once")
		}
		if c.TLS == ImplicitTLS {
			return errors.New("PATS_SMTP_URL: starttls does not apply to smtps://, which is TLS from the start")
		}
		switch strings.ToLower(values[0]) {
		case "required":
			c.TLS = StartTLSRequired
		case "opportunistic":
			c.TLS = StartTLSOpportunistic
		case "none":
			c.TLS = NoTLS
		default:
			return errors.New("PATS_SMTP_URL has an unknown starttls value; use required (the default), opportunistic or none")
		}
	}
	return nil
}

// validHost accepts an IP address (IPv6 without a zone) or a DNS name of
// letters, digits, hyphens and underscores (container names have them)
// in dot-separated labels. url.Parse lets through far more, such as
// "0:" from "smtp://0::", which no dialer could use.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// addr is the host:port to dial.
func (c Config) addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// Redacted returns the configuration as a URL that ParseURL reads back to
// the same Config, except that a password shows as "xxxxx".
func (c Config) Redacted() string {
	u := url.URL{Scheme: "smtp", Host: c.addr()}
	switch c.TLS {
	case ImplicitTLS:
		u.Scheme = "smtps"
	case StartTLSOpportunistic, NoTLS:
		u.RawQuery = c.TLS.String()
	}
	switch {
	case c.Username != "" && c.Password != "":
		u.User = url.UserPassword(c.Username, c.Password)
	case c.Username != "":
		u.User = url.User(c.Username)
	}
	return u.Redacted()
}

// String returns Redacted, so that fmt's %v and %s never print the password.
func (c Config) String() string { return c.Redacted() }

// GoString returns Redacted too: %#v would otherwise print the fields,
// the password among them.
func (c Config) GoString() string { return "mail.Config(" + c.Redacted() + ")" }

// LogValue makes log/slog record the redacted form instead of the fields.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.Redacted()) }
