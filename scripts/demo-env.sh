# Sourced by scripts/demo and scripts/manage (not run on its own), with ROOT set to the
# checkout: the environment the local demo runs with. Production settings, DEBUG off; plain
# http on loopback, so the HTTPS-only hardening is off unless GAZETA_HTTPS says otherwise.
# Other variables already set (SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS…) are kept.

: "${PORT:=8000}"
export PORT
export DJANGO_SETTINGS_MODULE=gazeta.settings.prod
export DEBUG=0
export GAZETA_HTTPS="${GAZETA_HTTPS:-0}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export GAZETA_SITE_URL="${GAZETA_SITE_URL:-http://127.0.0.1:$PORT}"
# No mail server on a demo machine: emails (moderation notices) are printed to the log.
export GAZETA_CONSOLE_EMAIL="${GAZETA_CONSOLE_EMAIL:-1}"

demo_var_dir="${GAZETA_VAR_DIR:-$ROOT/var}"
mkdir -p "$demo_var_dir"
if [ -z "${SECRET_KEY:-}" ]; then
    if [ ! -s "$demo_var_dir/secret-key" ]; then
        (
            umask 077
            "$ROOT/.venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(64))' \
                >"$demo_var_dir/secret-key.new"
            mv "$demo_var_dir/secret-key.new" "$demo_var_dir/secret-key"
        )
    fi
    chmod 600 "$demo_var_dir/secret-key"
    SECRET_KEY="$(cat "$demo_var_dir/secret-key")"
fi
export SECRET_KEY
