// Every setting's label, help text and value names: one source, the settings table's text in core
// (src-core/train/setting-text.ts), which `slope train --help` prints too.
import { settingTexts } from '../../../../src-core/train/setting-text'

export default {
  en: { settings: settingTexts.en },
  'zh-CN': { settings: settingTexts['zh-CN'] },
}
