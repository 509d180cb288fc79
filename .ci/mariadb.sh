#!/usr/bin/env bash
# Makes sure MariaDB answers on 127.0.0.1:3306 as root with an empty
# password: installs it from Debian's packages if missing, starts it if
# down, and allows password-less TCP login for root if the install left
# root on socket authentication only.
set -euo pipefail

# mysqladmin ping succeeds even when login is refused, so log in for real.
login_tcp() { mysql -h127.0.0.1 -P3306 -uroot --connect-timeout=2 -e 'SELECT 1' >/dev/null 2>&1; }

if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
  echo "installing MariaDB from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq mariadb-server mariadb-client >/dev/null
fi

if ! login_tcp; then
  if ! mysqladmin -uroot --connect-timeout=2 ping >/dev/null 2>&1; then
    echo "starting MariaDB"
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    for _ in $(seq 1 60); do
      mysqladmin -uroot --connect-timeout=2 ping >/dev/null 2>&1 && break
      sleep 1
    done
  fi
fi

if ! login_tcp; then
  # A fresh Debian install authenticates root through the socket only.
  mysql -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD(''); FLUSH PRIVILEGES;" || true
fi

for _ in $(seq 1 30); do
  login_tcp && { echo "MariaDB is up on 127.0.0.1:3306"; exit 0; }
  sleep 1
done
echo "MariaDB is not reachable on 127.0.0.1:3306 as root" >&2
exit 1
