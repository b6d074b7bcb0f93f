// The SDK warns on Node 20 at every client construction; the runtime in AWS is nodejs22.x.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';
// AWS's models referee the emulators (src/local/emulators/models): in tests, an emulator answer that
// breaks its model is a 500 EmulatorModelViolation. Child processes (`serve`) inherit it.
process.env.DRS_LEDGER_MODEL_CHECK = process.env.DRS_LEDGER_MODEL_CHECK ?? 'strict';
