#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a UI test on its own X server and session bus, with the cairo renderer, so it works on
# a headless CI machine.
set -euo pipefail
export GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none NO_AT_BRIDGE=1
export XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME
XDG_DATA_HOME=$(mktemp -d) XDG_CONFIG_HOME=$(mktemp -d) XDG_CACHE_HOME=$(mktemp -d)
trap 'rm -rf "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"' EXIT
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1600x2200x24" "$@"
