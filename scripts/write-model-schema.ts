// Regenerates resources/model.schema.json from src-core/model-file.ts (npm run schema).
import { writeFileSync } from 'node:fs'
import { modelJsonSchema } from '../src-core/model-file'

writeFileSync(new URL('../resources/model.schema.json', import.meta.url), `${JSON.stringify(modelJsonSchema(), null, 2)}\n`)
