//go:build fault

package faulttest

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// galeraNode is one mariadbd of a three-node Galera cluster run by the test on this machine.
type galeraNode struct {
	dir, port, gport string
	cmd              *exec.Cmd
}

// startGalera makes a three-node cluster (galera-4, rsync state transfer): the first node
// bootstraps it, the others join and sync. AUTO_INCREMENT steps by one
// (wsrep_auto_increment_control=OFF), as the server requires: writes go to one node at a time. mariadbd runs as the mysql user: the rsync daemon
// of a state transfer drops root's rights and could not write root's files.
func startGalera(t *testing.T) []*galeraNode {
	t.Helper()
	if _, err := os.Stat("/usr/lib/galera/libgalera_smm.so"); err != nil {
		t.Fatal("galera-4 is not installed (apt-get install galera-4 rsync; .ci/run does)")
	}
	mysqlUser, err := user.Lookup("mysql")
	if err != nil {
		t.Fatalf("the mysql system user is missing (it comes with mariadb-server): %v", err)
	}
	uid, _ := strconv.Atoi(mysqlUser.Uid)
	gid, _ := strconv.Atoi(mysqlUser.Gid)
	root, err := os.MkdirTemp("", "sbqw-galera-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(root, 0o755)
	t.Cleanup(func() { _ = os.RemoveAll(root) })

	nodes := make([]*galeraNode, 3)
	var members []string
	for i := range nodes {
		nodes[i] = &galeraNode{dir: filepath.Join(root, fmt.Sprintf("n%d", i)), port: freePort(t), gport: freePort(t)}
		members = append(members, "127.0.0.1:"+nodes[i].gport)
	}
	for i, n := range nodes {
		data := filepath.Join(n.dir, "data")
		if err := os.MkdirAll(data, 0o755); err != nil {
			t.Fatal(err)
		}
		cnf := fmt.Sprintf(`[mysqld]
user=mysql
datadir=%[1]s
innodb_data_home_dir=%[1]s
innodb_log_group_home_dir=%[1]s
socket=%[2]s/sock
pid-file=%[2]s/pid
log-error=%[2]s/error.log
port=%[3]s
bind-address=127.0.0.1
skip-name-resolve
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_auto_increment_control=OFF
innodb_buffer_pool_size=64M
wsrep_on=ON
wsrep_provider=/usr/lib/galera/libgalera_smm.so
wsrep_cluster_name=sbqw-fault
wsrep_cluster_address=gcomm://%[4]s
wsrep_node_address=127.0.0.1:%[5]s
wsrep_node_name=n%[6]d
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:%[5]s;ist.recv_addr=127.0.0.1:%[7]s;gcache.size=64M"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:%[8]s
`, data, n.dir, n.port, strings.Join(members, ","), n.gport, i, freePort(t), freePort(t))
		if err := os.WriteFile(filepath.Join(n.dir, "my.cnf"), []byte(cnf), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := filepath.Walk(n.dir, func(p string, _ os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			return os.Chown(p, uid, gid)
		}); err != nil {
			t.Fatal(err)
		}
		install := exec.Command("mariadb-install-db", "--defaults-file="+filepath.Join(n.dir, "my.cnf"), "--user=mysql",
			"--auth-root-authentication-method=normal", "--skip-test-db")
		if out, err := install.CombinedOutput(); err != nil {
			t.Fatalf("mariadb-install-db: %v\n%s", err, out)
		}
	}
	for i, n := range nodes {
		n.start(t, i == 0)
	}
	t.Cleanup(func() {
		for _, n := range nodes {
			n.kill()
		}
	})
	if size := nodes[0].status(t, "wsrep_cluster_size"); size != "3" {
		t.Fatalf("Galera cluster size %s, want 3", size)
	}
	return nodes
}

// start runs the node and waits until it has synced with the cluster (or bootstrapped it).
func (n *galeraNode) start(t *testing.T, bootstrap bool) {
	t.Helper()
	args := []string{"--defaults-file=" + filepath.Join(n.dir, "my.cnf")}
	if bootstrap {
		args = append(args, "--wsrep-new-cluster")
	}
	n.cmd = exec.Command("mariadbd", args...)
	if err := n.cmd.Start(); err != nil {
		t.Fatalf("starting a Galera node: %v", err)
	}
	for end := time.Now().Add(180 * time.Second); time.Now().Before(end); time.Sleep(500 * time.Millisecond) {
		if n.status(nil, "wsrep_local_state_comment") == "Synced" {
			return
		}
	}
	log, _ := os.ReadFile(filepath.Join(n.dir, "error.log"))
	t.Fatalf("Galera node %s did not sync\n%s", n.dir, tail(string(log)))
}

func (n *galeraNode) kill() {
	if n.cmd != nil && n.cmd.Process != nil {
		_ = n.cmd.Process.Signal(syscall.SIGKILL)
		_, _ = n.cmd.Process.Wait()
	}
}

// status reads one wsrep status variable; "" when the node does not answer.
func (n *galeraNode) status(t *testing.T, name string) string {
	db, err := sql.Open("mysql", "root@tcp(127.0.0.1:"+n.port+")/?timeout=2s")
	if err != nil {
		return ""
	}
	defer db.Close()
	var k, v string
	// SHOW takes no placeholders; name is one of the test's own literals.
	if err := db.QueryRow("SHOW STATUS LIKE '"+name+"'").Scan(&k, &v); err != nil && t != nil {
		t.Fatalf("SHOW STATUS LIKE %s: %v", name, err)
	}
	return v
}

// startHAProxy puts haproxy in front of the nodes, all traffic to the first healthy one (one
// writer at a time, as Galera deployments do, so that replicas do not fail each other's
// certification), and moves sessions off a node as soon as its checks fail.
func startHAProxy(t *testing.T, nodes []*galeraNode) string {
	t.Helper()
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		t.Fatal("haproxy is not installed (apt-get install haproxy; .ci/run does)")
	}
	port := freePort(t)
	cfg := fmt.Sprintf(`global
  maxconn 512
defaults
  mode tcp
  timeout connect 1s
  timeout client 120s
  timeout server 120s
frontend db
  bind 127.0.0.1:%s
  default_backend galera
backend galera
  balance first
  default-server inter 300ms fall 2 rise 2 on-marked-down shutdown-sessions
`, port)
	for i, n := range nodes {
		cfg += fmt.Sprintf("  server n%d 127.0.0.1:%s check\n", i, n.port)
	}
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-db", "-f", path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	db, _ := sql.Open("mysql", "root@tcp(127.0.0.1:"+port+")/?timeout=2s")
	defer db.Close()
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if db.Ping() == nil {
			return "127.0.0.1:" + port
		}
	}
	t.Fatal("haproxy did not forward to the cluster")
	return ""
}

// TestGaleraNodeKilled runs the server through haproxy on a three-node Galera cluster and
// kills (SIGKILL) the node it writes to under load: the server fails over to another node
// without a restart, every failure meanwhile is clean, every write acknowledged is stored
// exactly once — on every node, including the killed one once it has rejoined.
func TestGaleraNodeKilled(t *testing.T) {
	nodes := startGalera(t)
	admin, _ := sql.Open("mysql", "root@tcp(127.0.0.1:"+nodes[0].port+")/")
	if _, err := admin.Exec("CREATE DATABASE sbqw CHARACTER SET utf8mb4"); err != nil {
		t.Fatal(err)
	}
	admin.Close()
	url, logs := startServer(t, t.TempDir(), "mysql://root@"+startHAProxy(t, nodes)+"/sbqw")
	l := newLoad(t, url)

	// Losing one node of three keeps the quorum: the server may see a few broken
	// connections but must not go unready for long, nor need a restart.
	l.run(t, "galera", nodes[0].kill, func() {}, expectation{faultTime: 5 * time.Second}, logs)

	nodes[0].start(t, false) // rejoins through a state transfer from the survivors
	for i, n := range nodes {
		db, _ := sql.Open("mysql", "root@tcp(127.0.0.1:"+n.port+")/sbqw")
		t.Run(fmt.Sprintf("node%d", i), func(t *testing.T) { l.checkStored(t, db, "galera") })
		db.Close()
	}
	if size := nodes[1].status(t, "wsrep_cluster_size"); size != "3" {
		t.Errorf("cluster size %s after the killed node restarted, want 3", size)
	}
}
