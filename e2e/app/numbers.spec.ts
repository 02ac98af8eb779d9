import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

/**
 * Numbers as the app shows them (issue #12): one formatter, equations with a real minus sign,
 * nothing cut off in a table, English plurals and pronouns, the token page's wording.
 *
 * The data: 价格 = 50 + 2·面积 − 3.01606·房龄 exactly, so least squares gives those coefficients
 * to every digit shown; 大数 runs to 5,000,000 and 小数 is 0.00312345… (values a narrow column
 * used to cut to "5,000,0…" and "0.003…").
 */
const rows = Array.from({ length: 12 }, (_, i) => {
  const area = 40 + 7 * i
  const age = (i * 5) % 11
  return { area, age, price: 50 + 2 * area - 3.01606 * age, big: 5_000_000 - 1000 * ((i * i) % 12), small: 0.00312345 + 1e-7 * ((i * 3) % 5) }
})
const csv = ['价格,面积,房龄,大数,小数', ...rows.map((r) => `${r.price},${r.area},${r.age},${r.big},${r.small}`)].join('\n')

async function openHouses(app: Page): Promise<void> {
  await app.getByTestId('file-input').setInputFiles({ name: 'houses.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await expect(app.getByTestId('preview')).toContainText('houses.csv')
  await app.getByTestId('column-价格').getByRole('radio').check()
}

/** Every number cell inside `root` shows its whole text (no ellipsis, nothing clipped). */
async function expectNoCutNumbers(app: Page, root: string): Promise<void> {
  const cut = await app.locator(root).evaluate((el) =>
    Array.from(el.querySelectorAll<HTMLElement>('.num, td, [role="cell"]'))
      .filter((c) => c.offsetParent !== null && /\d/.test(c.textContent ?? '') && c.scrollWidth > c.clientWidth + 1)
      .map((c) => c.textContent!.trim()),
  )
  expect(cut, `number cells cut off in ${root}`).toEqual([])
}

test('equations write "+ −3.01606·房龄" with a real minus sign, in the Train and Export tabs', async ({ app }) => {
  await openHouses(app)
  await app.getByTestId('tab-train').click()
  await app.getByTestId('solver').selectOption('lstsq')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')
  const equation = app.getByTestId('equation')
  await expect(equation).toContainText('+ \u22123.01606·房龄')
  await expect(equation).toContainText('2·面积')
  expect(await equation.textContent()).not.toMatch(/[+] -|-\d/)

  await app.getByTestId('tab-export').click()
  const exported = app.getByTestId('model-equation')
  await expect(exported).toContainText('价格 = ')
  await expect(exported).toContainText('+ \u22123.01606·房龄')
  expect(await exported.textContent()).not.toContain('-')
})

test('no number is cut in the Data tab’s tables: 5e6 and 0.00312345 in full; grouped counts', async ({ app }) => {
  await app.setViewportSize({ width: 1024, height: 640 })
  await openHouses(app)
  const big = app.getByTestId('column-大数')
  await expect(big).toContainText('4.991e6') // min (5,000,000 − 9,000), in exponent form
  await expect(big).toContainText('5e6') // max
  await expect(app.getByTestId('column-小数')).toContainText('0.00312345')
  await expectNoCutNumbers(app, '[data-testid="columns"]')
  await expectNoCutNumbers(app, '[data-testid="preview"]')
})

test('English wording: "95% interval", "1 column", the one-run delete dialog says "it"', async ({ app }) => {
  await app.getByTestId('file-input').setInputFiles({ name: 'one.csv', mimeType: 'text/csv', buffer: Buffer.from('y\n1\n2\n3\n') })
  await expect(app.getByTestId('preview')).toContainText('one.csv — 3 rows')
  await expect(app.getByText(/^3 rows, 1 column · /).first()).toBeVisible()

  await openHouses(app)
  await app.getByTestId('tab-train').click()
  await app.getByTestId('solver').selectOption('lstsq')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')
  await app.getByTestId('tab-fit').click()
  await expect(app.getByRole('columnheader', { name: '95% interval' })).toBeVisible()

  await app.getByTestId('tab-runs').click()
  const first = app.locator('[data-testid^="run-select-"]').first()
  await first.check()
  await app.keyboard.press('Delete')
  const dialog = app.getByTestId('delete-dialog')
  await expect(dialog.locator('h2')).toHaveText('Delete this run?')
  await expect(dialog).toContainText('Its loss history and model are deleted too.')
  await expect(dialog.getByTestId('delete-cancel')).toHaveText('Keep it')
  await dialog.getByTestId('delete-cancel').click()
})

test('the token page never calls the per-launch token one-time or expired', async ({ slope, request }) => {
  const url = new URL(slope.loginUrl)
  url.searchParams.set('token', 'wrong')
  const wrong = await request.get(url.toString(), { maxRedirects: 0 })
  expect(wrong.status()).toBe(401)
  const body = await wrong.text()
  expect(body).not.toMatch(/one-time|once|any more|expired/i)
  expect(body).toContain('until slope web stops')
})
