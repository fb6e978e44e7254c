/**
 * The 56 ethnic groups (民族) recognised in China, as the resident ID card prints them
 * (without the trailing 族), in GB/T 3304 order.
 *
 * OCR misreads this field in recognisable ways (汉 as 汊 or 池), so a value outside the list
 * is worth a second look. It is only a warning: a few cards legitimately carry other
 * entries (e.g. 穿青人 in Guizhou).
 */
export const ETHNIC_GROUPS: readonly string[] = Object.freeze([
  '汉', '蒙古', '回', '藏', '维吾尔', '苗', '彝', '壮', '布依', '朝鲜',
  '满', '侗', '瑶', '白', '土家', '哈尼', '哈萨克', '傣', '黎', '傈僳',
  '佤', '畲', '高山', '拉祜', '水', '东乡', '纳西', '景颇', '柯尔克孜', '土',
  '达斡尔', '仫佬', '羌', '布朗', '撒拉', '毛南', '仡佬', '锡伯', '阿昌', '普米',
  '塔吉克', '怒', '乌孜别克', '俄罗斯', '鄂温克', '德昂', '保安', '裕固', '京', '塔塔尔',
  '独龙', '鄂伦春', '赫哲', '门巴', '珞巴', '基诺',
]);

const KNOWN = new Set(ETHNIC_GROUPS);

/** True for one of the 56 groups, written as on the card ('汉') or in full ('汉族'). */
export function isKnownEthnicGroup(text: string): boolean {
  const name = text.trim();
  return KNOWN.has(name) || (name.endsWith('族') && KNOWN.has(name.slice(0, -1)));
}
