#!/usr/bin/env bash
set -euo pipefail
pg_dump --format=custom --file "/backups/ledger-$(date +%F).dump" "$DATABASE_URL"
