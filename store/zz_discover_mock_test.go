package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/patgov/pats/migrations"
	"github.com/patgov/pats/model"
)

func disc(t *testing.T) (*Store, sqlmock.Sqlmock) {
	rec := sqlmock.QueryMatcherFunc(func(expected, actual string) error {
		fmt.Printf("SQL: %s\n", actual)
		return nil
	})
	sqlDB, mock, _ := sqlmock.New(sqlmock.QueryMatcherOption(rec))
	gdb, _ := gorm.Open(mysql.New(mysql.Config{Conn: sqlDB, SkipInitializeWithVersion: true}), &gorm.Config{TranslateError: true, Logger: logger.Discard})
	return New(gdb, migrations.MySQL), mock
}

func TestZZDiscover(t *testing.T) {
	ctx := context.Background()
	s, mock := disc(t)
	mock.ExpectBegin()
	mock.ExpectQuery("x").WillReturnRows(sqlmock.NewRows([]string{"id", "max_lifespan_days"}).AddRow(42, 90))
	mock.ExpectExec("x").WillReturnResult(sqlmock.NewResult(1, 1))
	mock.ExpectCommit()
	_, err := s.UpdateSettings(ctx, 42, func(o *model.Organization) (bool, error) { return true, nil })
	fmt.Println("upd", err)

	s, mock = disc(t)
	mock.ExpectBegin()
	mock.ExpectQuery("x").WillReturnRows(sqlmock.NewRows([]string{"id", "max_lifespan_days"}).AddRow(42, 90))
	mock.ExpectQuery("x").WillReturnRows(sqlmock.NewRows([]string{"id"}).AddRow(7))
	mock.ExpectQuery("x").WillReturnRows(sqlmock.NewRows([]string{"count"}).AddRow(3))
	mock.ExpectExec("x").WillReturnResult(sqlmock.NewResult(1, 1))
	mock.ExpectCommit()
	_, _, err = s.CreateToken(ctx, 42, 7, model.TimeFromMillis(1000), func(o *model.Organization, n int64) (*model.PersonalAccessToken, error) {
		return &model.PersonalAccessToken{ID: "T", OrganizationID: 42, OwnerID: 7}, nil
	})
	fmt.Println("create", err, mock.ExpectationsWereMet())

	s, mock = disc(t)
	mock.ExpectQuery("x").WillReturnRows(sqlmock.NewRows([]string{"id"}))
	mock.ExpectBegin()
	mock.ExpectExec("x").WillReturnResult(sqlmock.NewResult(42, 1))
	mock.ExpectQuery("x").WillReturnRows(sqlmock.NewRows([]string{"id"}).AddRow(42))
	mock.ExpectExec("x").WillReturnResult(sqlmock.NewResult(7, 1))
	mock.ExpectCommit()
	mock.ExpectQuery("x").WillReturnRows(sqlmock.NewRows([]string{"id", "organization_id", "org_external_id"}).AddRow(7, 42, "ext"))
	mock.ExpectExec("x").WillReturnResult(sqlmock.NewResult(0, 1))
	_, _, err = s.Provision(ctx, Identity{OrgExternalID: "ext", Subject: "sub", Email: "E@x", Name: "N", AccountType: "local"}, OrgDefaults{Enabled: true, MaxLifespanDays: 90}, model.TimeFromMillis(1000))
	fmt.Println("prov", err, mock.ExpectationsWereMet())
}
