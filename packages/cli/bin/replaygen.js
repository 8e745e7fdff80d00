#!/usr/bin/env node
import "../dist/replaygen/bin.js";
