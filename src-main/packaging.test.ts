import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Ajv from 'ajv'
import { describe, expect, it } from 'vitest'
import { repoRoot } from './testing/run-cli'

/**
 * electron-builder cannot run here (it downloads Electron), so its configuration is checked the way
 * electron-builder itself checks it: against app-builder-lib's own JSON schema — plus the security
 * and packaging choices the issue asks for.
 */
const config = JSON.parse(readFileSync(join(repoRoot, 'electron-builder.json'), 'utf8'))
const schema = JSON.parse(readFileSync(join(repoRoot, 'node_modules/app-builder-lib/scheme.json'), 'utf8'))

describe('electron-builder configuration', () => {
  it('is valid against electron-builder’s schema', () => {
    const { $schema: _, ...rest } = config
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema)
    expect(validate(rest), JSON.stringify(validate.errors, null, 1)).toBe(true)
  })

  it('targets Windows NSIS, macOS dmg, Linux AppImage and deb, with the app id and icon', () => {
    expect(config.appId).toBe('org.slope.desktop')
    expect(config.win.target).toEqual(['nsis'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    for (const platform of ['win', 'mac', 'linux']) expect(existsSync(join(repoRoot, config[platform].icon))).toBe(true)
  })

  it('sets the fuses of Electron’s security checklist', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false, // the app is served from slope://, not file://
      enableCookieEncryption: true,
    })
  })

  it('packs into asar, unpacks what must be loaded from disk, and never rebuilds node_modules in place', () => {
    expect(config.asar).toBe(true)
    // Only the native module leaves the archive (the OS loader cannot read asar): the workers and
    // their chunks stay inside, covered by asar integrity (Electron ≥ 17.3 loads workers from asar).
    expect(config.asarUnpack).toEqual(['out/native/**'])
    // The Electron-ABI sqlite comes from out/native (scripts/build-native-electron.mjs); rebuilding
    // node_modules in place would break the Node-ABI build that tests and the CLI load.
    expect(config.npmRebuild).toBe(false)
    expect(config.files).toEqual(expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**', 'out/native/**']))
  })

  it('package.json has the dist script and no postinstall native rebuild', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))
    expect(pkg.scripts.dist).toContain('electron-builder --config electron-builder.json')
    expect(pkg.scripts.postinstall).toBeUndefined()
    expect(pkg.main).toBe('out/main/index.js')
  })
})
