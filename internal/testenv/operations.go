package testenv

// The operations most end-to-end tests need, with one selection each so
// that a decoded Token or Settings has every field filled.

// TokenFields selects every non-secret field of a PersonalAccessToken.
const TokenFields = `id name scopes createdAt expiresAt lastUsedAt status revokedAt revocationSource hint
  owner { id email name accountType }
  revokedBy { id email name accountType }`

// CreateMutation creates a token from $input.
const CreateMutation = `mutation Create($input: CreatePersonalAccessTokenInput!) {
  createPersonalAccessToken(input: $input) { token personalAccessToken { ` + TokenFields + ` } } }`

// SettingsFields selects every field of OrganizationPatSettings.
const SettingsFields = `enabled maxLifespanDays updatedAt updatedBy { id email name accountType }`

// SettingsQuery reads the organization's policy.
const SettingsQuery = `{ organizationPatSettings { ` + SettingsFields + ` } }`

// UpdateSettingsMutation changes the organization's policy to $input.
const UpdateSettingsMutation = `mutation Settings($input: UpdatePatSettingsInput!) {
  updatePatSettings(input: $input) { ` + SettingsFields + ` } }`

// CreateToken asks the API to create a token from input, errors and all.
func (c *Client) CreateToken(input map[string]any) *Response {
	c.t.Helper()
	return c.Do(CreateMutation, map[string]any{"input": input})
}

// MustCreateToken creates a token from input, failing the test on any error.
func (c *Client) MustCreateToken(input map[string]any) CreatePayload {
	c.t.Helper()
	var out struct{ CreatePersonalAccessToken CreatePayload }
	c.MustDoInto(CreateMutation, map[string]any{"input": input}, &out)
	return out.CreatePersonalAccessToken
}

// Settings reads the organization's policy, failing the test on any error.
func (c *Client) Settings() Settings {
	c.t.Helper()
	var out struct{ OrganizationPatSettings Settings }
	c.MustDoInto(SettingsQuery, nil, &out)
	return out.OrganizationPatSettings
}

// UpdateSettings asks the API to change the policy to input, errors and all.
func (c *Client) UpdateSettings(input map[string]any) *Response {
	c.t.Helper()
	return c.Do(UpdateSettingsMutation, map[string]any{"input": input})
}

// MustUpdateSettings changes the policy to input and returns the new
// settings, failing the test on any error.
func (c *Client) MustUpdateSettings(input map[string]any) Settings {
	c.t.Helper()
	var out struct{ UpdatePatSettings Settings }
	c.MustDoInto(UpdateSettingsMutation, map[string]any{"input": input}, &out)
	return out.UpdatePatSettings
}
