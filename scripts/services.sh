# Make PostgreSQL and Redis answer, and export DATABASE_URL / REDIS_URL for them.
# Sourced by scripts/run-tests and scripts/bench (needs PY, TMP and say() from the caller).
#
# Uses DATABASE_URL / REDIS_URL when set; otherwise the local servers on 127.0.0.1
# (PostgreSQL 5432, Redis 6379); when those do not answer, starts them, or throwaway ones
# from the local binaries under .tmp/.

pg_answers() { "$PY" - "$1" <<'PY' >/dev/null 2>&1
import sys, psycopg2
psycopg2.connect(sys.argv[1], connect_timeout=2).close()
PY
}
redis_answers() { "$PY" - "$1" <<'PY' >/dev/null 2>&1
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
PY
}

# --- PostgreSQL -------------------------------------------------------------------------
if [ -z "${DATABASE_URL:-}" ]; then
    pg_port="${JIGE_PG_PORT:-5432}"
    local_url="postgres://postgres@127.0.0.1:$pg_port/postgres"
    if ! pg_answers "$local_url" && command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
        if [ -n "$version" ]; then
            say "PostgreSQL on $pg_port does not answer: starting cluster $version/main"
            pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
            sleep 2
        fi
    fi
    if pg_answers "$local_url"; then
        export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/jige"
    else
        initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
        [ -n "$initdb" ] || initdb=$(command -v initdb || true)
        if [ -z "$initdb" ]; then
            say "error: no PostgreSQL answers on 127.0.0.1:$pg_port and no server binaries are installed."
            say "Install them (Debian/Ubuntu: sudo apt-get install postgresql) or set DATABASE_URL."
            exit 1
        fi
        bindir=$(dirname "$initdb")
        pgdata="$TMP/pgdata"
        as_pg=()
        if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); chmod 755 "$TMP"; fi
        if [ ! -f "$pgdata/PG_VERSION" ]; then
            say "starting a throwaway PostgreSQL in $pgdata on port 55432"
            mkdir -p "$pgdata"
            [ "$(id -u)" = 0 ] && chown postgres "$pgdata"
            "${as_pg[@]}" "$bindir/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
        fi
        "${as_pg[@]}" "$bindir/pg_ctl" -D "$pgdata" -o "-p 55432 -k /tmp -c listen_addresses=127.0.0.1" -l "$pgdata/log" -w start >/dev/null || true
        export DATABASE_URL="postgres://postgres@127.0.0.1:55432/jige"
        pg_answers "postgres://postgres@127.0.0.1:55432/postgres" || { say "error: the throwaway PostgreSQL did not start (see $pgdata/log)"; exit 1; }
    fi
fi

# --- Redis ------------------------------------------------------------------------------
if [ -z "${REDIS_URL:-}" ]; then
    redis_port="${JIGE_REDIS_PORT:-6379}"
    if ! redis_answers "redis://127.0.0.1:$redis_port/0" && command -v redis-server >/dev/null 2>&1; then
        say "Redis on $redis_port does not answer: starting one"
        redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
            --dir "$TMP" --logfile "$TMP/redis.log" || true
        sleep 1
    fi
    if redis_answers "redis://127.0.0.1:$redis_port/0"; then
        export REDIS_URL="redis://127.0.0.1:$redis_port/${REDIS_DB_INDEX:-9}"
    else
        say "error: no Redis answers on 127.0.0.1:$redis_port and none could be started."
        say "Install it (Debian/Ubuntu: sudo apt-get install redis-server) or set REDIS_URL."
        exit 1
    fi
fi

