import { createHash } from 'node:crypto'
import type { DatasetUpload } from '../../src-core/contract'
import { tutorialX, tutorialY } from '../../src-core/testing/tutorial'

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** The tutorial's 15 points as the renderer would upload them. */
export function tutorialUpload(name = 'tutorial'): DatasetUpload {
  return {
    name,
    fileName: 'tutorial.csv',
    sha256: sha256('tutorial'),
    names: ['x', 'y'],
    columns: [Float64Array.from(tutorialX), Float64Array.from(tutorialY)],
  }
}
