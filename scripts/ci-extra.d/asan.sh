#!/usr/bin/env bash
# CI: the whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer (docs/reliability.md).
bash "$(dirname "$0")/../sanitize.sh" asan
