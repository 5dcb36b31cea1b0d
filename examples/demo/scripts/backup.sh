#!/usr/bin/env bash
# Nightly logical backup of the parcel database.
set -euo pipefail
pg_dump --format=custom --file "/backups/parcel-$(date +%F).dump" "$DATABASE_URL"
