#!/usr/bin/env node
import { buildApp } from '../lib/app-builder';

/** CDK entry point (`cdk synth`, `cdk deploy`): configuration comes from cdk.json context or `-c`. */
try {
  buildApp().app.synth();
} catch (err) {
  // A configuration error is a message for a person, not a stack trace.
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
