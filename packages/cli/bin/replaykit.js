#!/usr/bin/env node
import "../dist/replaykit/bin.js";
