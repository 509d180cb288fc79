package webhook

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateURL(t *testing.T) {
	long := "https://example.com/" + strings.Repeat("a", MaxURLLength)
	for _, tc := range []struct {
		name         string
		raw          string
		allowPrivate bool
		wantReason   string // empty: accepted
	}{
		{"https", "https://hooks.example.com/pats?x=1", false, ""},
		{"https with port", "https://hooks.example.com:8443/in", false, ""},
		{"public IPv4 literal", "https://93.184.215.14/", false, ""},
		{"public IPv6 literal", "https://[2606:4700:4700::1111]/", false, ""},
		{"http", "http://hooks.example.com/", false, "must use https://"},
		{"http with allowPrivate", "http://hooks.example.com/", true, ""},
		{"other scheme", "ftp://hooks.example.com/", false, "must use https://"},
		{"userinfo", "https://user:pass@hooks.example.com/", false, "user name or password"},
		{"user only", "https://user@hooks.example.com/", false, "user name or password"},
		{"private IPv4 literal", "https://10.0.0.1/", false, "10.0.0.1 is a private network address"},
		{"metadata literal", "https://169.254.169.254/latest/meta-data/", false, "169.254.169.254 is the cloud metadata address"},
		{"metadata IPv6 literal", "https://[fd00:ec2::254]/", false, "the cloud metadata address"},
		{"loopback literal", "https://127.0.0.1/", false, "a loopback address"},
		{"IPv6 loopback literal", "https://[::1]:8443/", false, "a loopback address"},
		{"IPv4-mapped loopback", "https://[::ffff:127.0.0.1]/", false, "a loopback address"},
		{"CGNAT literal", "https://100.64.0.1/", false, "carrier-grade NAT"},
		{"unspecified literal", "https://0.0.0.0/", false, "the unspecified address"},
		{"multicast literal", "https://224.0.0.1/", false, "a multicast address"},
		{"link-local IPv6", "https://[fe80::1]/", false, "a link-local address"},
		{"zoned IPv6", "https://[fe80::1%25eth0]/", false, "zone"},
		{"localhost", "https://localhost/", false, "localhost"},
		{"sub.localhost", "https://api.LOCALHOST./", false, "localhost"},
		{"private literal with allowPrivate", "http://127.0.0.1:8080/", true, ""},
		{"empty", "", false, "empty"},
		{"empty host", "https:///path", false, "no host"},
		{"port only", "https://:443/", false, "no host"},
		{"too long", long, false, "longer than 2048"},
		{"fragment", "https://hooks.example.com/#frag", false, "fragment"},
		{"empty fragment", "https://hooks.example.com/#", false, "fragment"},
		{"relative", "/hooks", false, "absolute"},
		{"opaque", "https:hooks.example.com", false, "absolute"},
		{"garbage", "::not a url::", false, "not a valid URL"},
		{"control character", "https://hooks.example.com/\n", false, "not a valid URL"},
		{"port zero", "https://hooks.example.com:0/", false, "port"},
		{"port too big", "https://hooks.example.com:70000/", false, "port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateURL(tc.raw, tc.allowPrivate)
			if tc.wantReason == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidURL) {
				t.Fatalf("got %v, want %v", err, ErrInvalidURL)
			}
			if !strings.Contains(err.Error(), tc.wantReason) {
				t.Fatalf("got %q, want it to contain %q", err, tc.wantReason)
			}
		})
	}
}

func TestValidateURLDoesNotEchoQuery(t *testing.T) {
	err := ValidateURL("http://hooks.example.com/in?token=s3cr3t-value", false)
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("got %v, want an error without the query", err)
	}
}
