// Package mail e-mails token owners about events on their tokens: a token
// about to expire, revoked, about to be revoked as unused, or revoked with
// its whole lineage because a rotated-away value came back.
//
// It holds the self-contained pieces a delivery worker calls: ParseURL and
// ParseFrom read PATS_SMTP_URL and PATS_MAIL_FROM, Render turns a Kind and
// its Data into a subject with a plain-text and an HTML body, and a Sender
// submits one Message per call over SMTP. Send's errors say through
// IsPermanent whether retrying can help, so the worker's retry loop knows
// when to stop.
//
// No mail carries a token's secret or digest: Data has no field for either,
// and a test keeps it so. Neither the SMTP password nor anything derived
// from it appears in an error or in Config's printed forms.
package mail
