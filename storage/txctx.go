package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/go-sql-driver/mysql"
)

// OpenSQL opens a pool for a driver name and DSN as sql.Open does, except that on MySQL a
// transaction's COMMIT and ROLLBACK are sent under the context the transaction began with.
// database/sql's Commit and Rollback take no context, so a database that stops answering
// mid-commit (a stalled network) would hold the request until the connection came back —
// past its time budget; go-sql-driver closes the connection when the context of a statement
// ends, so the request fails in time instead. Doing it in the driver costs no extra round trip:
// the earlier wrapper around ent's transaction sent COMMIT as a statement and then had to let
// database/sql send a ROLLBACK to release the connection (BenchmarkWriteTx).
func OpenSQL(driverName, dsn string) (*sql.DB, error) {
	if driverName != "mysql" {
		return sql.Open(driverName, dsn)
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("cannot read the MySQL DSN: %s", oneLine(err))
	}
	c, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(txContextConnector{c}), nil
}

type txContextConnector struct{ driver.Connector }

func (c txContextConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	m, ok := conn.(mysqlConn)
	if !ok { // not go-sql-driver's connection as this package knows it: leave it alone
		return conn, nil
	}
	return txContextConn{m}, nil
}

// mysqlConn is what go-sql-driver's connection implements and database/sql looks for; the
// wrapper forwards every one of them, so database/sql treats it exactly like the original.
type mysqlConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.NamedValueChecker
	driver.SessionResetter
	driver.Validator
}

type txContextConn struct{ mysqlConn }

func (c txContextConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if _, err := c.mysqlConn.BeginTx(ctx, opts); err != nil {
		return nil, err
	}
	return &txContext{conn: c.mysqlConn, ctx: ctx}, nil
}

// Begin is the context-less form; database/sql never calls it when BeginTx exists.
func (c txContextConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// txContext ends a transaction with a statement under the transaction's context. go-sql-driver's
// own transaction object holds no state beyond its connection, so it is not needed.
type txContext struct {
	conn mysqlConn
	ctx  context.Context
}

func (t *txContext) Commit() error {
	_, err := t.conn.ExecContext(t.ctx, "COMMIT", nil)
	if err == nil {
		return nil
	}
	var server *mysql.MySQLError
	if errors.As(err, &server) {
		// The server refused the COMMIT (a Galera certification failure comes as a deadlock,
		// 1213, which callers retry: keep the error as it is). Make sure nothing stays open on
		// the connection before database/sql pools it again.
		if t.Rollback() != nil {
			return errors.Join(err, driver.ErrBadConn)
		}
		return err
	}
	// A context that ended or a broken connection: whether the COMMIT reached the server is
	// unknown, so the connection is discarded (the server rolls back what was not committed
	// when it goes).
	return errors.Join(err, driver.ErrBadConn)
}

func (t *txContext) Rollback() error {
	if _, err := t.conn.ExecContext(t.ctx, "ROLLBACK", nil); err != nil {
		// The ROLLBACK may not have been sent (the context had ended): discard the connection,
		// never pool it with a transaction open.
		return errors.Join(err, driver.ErrBadConn)
	}
	return nil
}
