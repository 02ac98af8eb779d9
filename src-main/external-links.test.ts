import { describe, expect, it } from 'vitest'
import { isProjectLink } from './external-links'

describe('links the desktop app opens in the OS browser', () => {
  it('opens the project’s own pages', () => {
    expect(isProjectLink('https://slope.invalid/model.schema.json')).toBe(true)
    expect(isProjectLink('https://SLOPE.invalid/docs#training')).toBe(true) // hosts are case-insensitive
  })

  it('refuses every other https site, look-alike hosts, credentials, other schemes and junk', () => {
    for (const url of [
      'https://evil.example/',
      'https://slope.invalid.evil.example/',
      'https://evil.example/https://slope.invalid/',
      'https://slope.invalid@evil.example/',
      'https://user:pass@slope.invalid/',
      'https://slope.invalid:8443/',
      'http://slope.invalid/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-msdt:/id PCWDiagnostic',
      'slope://app/index.html',
      'not a url',
      '',
    ]) {
      expect(isProjectLink(url), url).toBe(false)
    }
  })
})
