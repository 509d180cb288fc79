package entity

// User is a member of an organization, created and refreshed just in time
// from session-token claims. (OrganizationID, Subject) identifies a user.
type User struct {
	ID             int64 `gorm:"primaryKey"`
	OrganizationID int64
	// Subject is the identity provider's user ID (the `sub` claim), shown
	// as User.id in GraphQL.
	Subject     string
	Email       string
	Name        string
	AccountType AccountType
	// NameKey and EmailKey are lower-cased copies used by case-insensitive
	// search, so both dialects match the same way.
	NameKey   string
	EmailKey  string
	CreatedAt Time `gorm:"autoCreateTime:false"`
	UpdatedAt Time `gorm:"autoUpdateTime:false"`
}
