/**
 * The vocabulary synthetic identities are drawn from: real administrative codes and place
 * names (so region code, address and issuing authority agree, as the kiosk checks), and
 * common names. Every combination is invented; no entry describes a real person.
 */

/** A county-level division: its GB/T 2260 code is the first six digits of an ID number. */
export interface County {
  code: string;
  /** The province as written at the start of an address; empty for the four municipalities. */
  province: string;
  city: string;
  district: string;
  /** The police bureau that issues resident ID cards there. */
  issuingAuthority: string;
  /** For passports: place of birth / issue, as printed in Chinese and pinyin. */
  placeZh: string;
  placeLatin: string;
}

interface ProvinceEntry {
  province: string;
  placeZh: string;
  placeLatin: string;
  /** Minority ethnicities more common there, so the ethnicity mix looks plausible. */
  minorities: readonly string[];
  cities: ReadonlyArray<{ city: string; districts: ReadonlyArray<readonly [code: string, district: string]> }>;
}

const PROVINCES: readonly ProvinceEntry[] = [
  {
    province: '', placeZh: '北京', placeLatin: 'BEIJING', minorities: ['满', '回', '蒙古'],
    cities: [{ city: '北京市', districts: [['110101', '东城区'], ['110102', '西城区'], ['110105', '朝阳区'], ['110106', '丰台区'], ['110108', '海淀区']] }],
  },
  {
    province: '', placeZh: '上海', placeLatin: 'SHANGHAI', minorities: ['回', '满'],
    cities: [{ city: '上海市', districts: [['310101', '黄浦区'], ['310104', '徐汇区'], ['310105', '长宁区'], ['310106', '静安区'], ['310110', '杨浦区']] }],
  },
  {
    province: '', placeZh: '天津', placeLatin: 'TIANJIN', minorities: ['回', '满'],
    cities: [{ city: '天津市', districts: [['120101', '和平区'], ['120102', '河东区'], ['120103', '河西区'], ['120104', '南开区']] }],
  },
  {
    province: '', placeZh: '重庆', placeLatin: 'CHONGQING', minorities: ['土家', '苗'],
    cities: [{ city: '重庆市', districts: [['500103', '渝中区'], ['500106', '沙坪坝区'], ['500108', '南岸区'], ['500112', '渝北区']] }],
  },
  {
    province: '广东省', placeZh: '广东', placeLatin: 'GUANGDONG', minorities: ['壮', '瑶'],
    cities: [
      { city: '广州市', districts: [['440103', '荔湾区'], ['440104', '越秀区'], ['440105', '海珠区'], ['440106', '天河区'], ['440111', '白云区']] },
      { city: '深圳市', districts: [['440303', '罗湖区'], ['440304', '福田区'], ['440305', '南山区']] },
    ],
  },
  {
    province: '浙江省', placeZh: '浙江', placeLatin: 'ZHEJIANG', minorities: ['畲'],
    cities: [
      { city: '杭州市', districts: [['330102', '上城区'], ['330105', '拱墅区'], ['330106', '西湖区'], ['330108', '滨江区']] },
      { city: '宁波市', districts: [['330203', '海曙区']] },
    ],
  },
  {
    province: '江苏省', placeZh: '江苏', placeLatin: 'JIANGSU', minorities: ['回'],
    cities: [
      { city: '南京市', districts: [['320102', '玄武区'], ['320104', '秦淮区'], ['320105', '建邺区'], ['320106', '鼓楼区']] },
      { city: '苏州市', districts: [['320508', '姑苏区']] },
    ],
  },
  {
    province: '四川省', placeZh: '四川', placeLatin: 'SICHUAN', minorities: ['彝', '藏', '羌'],
    cities: [{ city: '成都市', districts: [['510104', '锦江区'], ['510105', '青羊区'], ['510106', '金牛区'], ['510107', '武侯区'], ['510108', '成华区']] }],
  },
  {
    province: '湖北省', placeZh: '湖北', placeLatin: 'HUBEI', minorities: ['土家', '苗'],
    cities: [{ city: '武汉市', districts: [['420102', '江岸区'], ['420103', '江汉区'], ['420106', '武昌区'], ['420111', '洪山区']] }],
  },
  {
    province: '山东省', placeZh: '山东', placeLatin: 'SHANDONG', minorities: ['回'],
    cities: [
      { city: '济南市', districts: [['370102', '历下区'], ['370104', '槐荫区']] },
      { city: '青岛市', districts: [['370202', '市南区'], ['370203', '市北区']] },
    ],
  },
  {
    province: '陕西省', placeZh: '陕西', placeLatin: 'SHAANXI', minorities: ['回'],
    cities: [{ city: '西安市', districts: [['610102', '新城区'], ['610103', '碑林区'], ['610104', '莲湖区'], ['610113', '雁塔区']] }],
  },
  {
    province: '河南省', placeZh: '河南', placeLatin: 'HENAN', minorities: ['回'],
    cities: [{ city: '郑州市', districts: [['410102', '中原区'], ['410103', '二七区'], ['410105', '金水区']] }],
  },
  {
    province: '湖南省', placeZh: '湖南', placeLatin: 'HUNAN', minorities: ['土家', '苗', '侗'],
    cities: [{ city: '长沙市', districts: [['430102', '芙蓉区'], ['430103', '天心区'], ['430104', '岳麓区'], ['430105', '开福区']] }],
  },
  {
    province: '福建省', placeZh: '福建', placeLatin: 'FUJIAN', minorities: ['畲'],
    cities: [
      { city: '福州市', districts: [['350102', '鼓楼区'], ['350103', '台江区']] },
      { city: '厦门市', districts: [['350203', '思明区'], ['350206', '湖里区']] },
    ],
  },
  {
    province: '辽宁省', placeZh: '辽宁', placeLatin: 'LIAONING', minorities: ['满', '蒙古', '朝鲜'],
    cities: [
      { city: '沈阳市', districts: [['210102', '和平区'], ['210103', '沈河区']] },
      { city: '大连市', districts: [['210202', '中山区'], ['210203', '西岗区']] },
    ],
  },
  {
    province: '黑龙江省', placeZh: '黑龙江', placeLatin: 'HEILONGJIANG', minorities: ['满', '朝鲜'],
    cities: [{ city: '哈尔滨市', districts: [['230102', '道里区'], ['230103', '南岗区']] }],
  },
  {
    province: '云南省', placeZh: '云南', placeLatin: 'YUNNAN', minorities: ['彝', '白', '哈尼', '傣'],
    cities: [{ city: '昆明市', districts: [['530102', '五华区'], ['530103', '盘龙区']] }],
  },
  {
    province: '广西壮族自治区', placeZh: '广西', placeLatin: 'GUANGXI', minorities: ['壮', '瑶', '苗'],
    cities: [{ city: '南宁市', districts: [['450102', '兴宁区'], ['450103', '青秀区']] }],
  },
  {
    province: '新疆维吾尔自治区', placeZh: '新疆', placeLatin: 'XINJIANG', minorities: ['维吾尔', '哈萨克', '回'],
    cities: [{ city: '乌鲁木齐市', districts: [['650102', '天山区'], ['650103', '沙依巴克区']] }],
  },
  {
    province: '内蒙古自治区', placeZh: '内蒙古', placeLatin: 'NEIMENGGU', minorities: ['蒙古', '满'],
    cities: [{ city: '呼和浩特市', districts: [['150102', '新城区'], ['150103', '回民区']] }],
  },
];

/** Bureaus are named after the district without its 区 suffix: 北京市公安局朝阳分局. */
function bureauFor(city: string, district: string): string {
  return `${city}公安局${district.replace(/区$/, '')}分局`;
}

export const COUNTIES: readonly County[] = PROVINCES.flatMap((p) =>
  p.cities.flatMap((c) =>
    c.districts.map(([code, district]) => ({
      code,
      province: p.province,
      city: c.city,
      district,
      issuingAuthority: bureauFor(c.city, district),
      placeZh: p.placeZh,
      placeLatin: p.placeLatin,
    })),
  ),
);

export function minoritiesFor(county: County): readonly string[] {
  return PROVINCES.find((p) => p.cities.some((c) => c.districts.some(([code]) => code === county.code)))?.minorities ?? [];
}

/** Ethnicities seen anywhere, for the occasional one that is not typical of the region. */
export const MINORITIES = ['壮', '回', '满', '苗', '土家', '彝', '蒙古', '藏', '维吾尔', '布依', '侗', '瑶', '朝鲜', '白', '哈尼'] as const;

/** Surnames with their passport spelling (hanyu pinyin without tones; 吕 is LYU per the MPS rule). */
export const SURNAMES: ReadonlyArray<readonly [string, string]> = [
  ['王', 'WANG'], ['李', 'LI'], ['张', 'ZHANG'], ['刘', 'LIU'], ['陈', 'CHEN'], ['杨', 'YANG'], ['黄', 'HUANG'],
  ['赵', 'ZHAO'], ['吴', 'WU'], ['周', 'ZHOU'], ['徐', 'XU'], ['孙', 'SUN'], ['马', 'MA'], ['朱', 'ZHU'],
  ['胡', 'HU'], ['郭', 'GUO'], ['何', 'HE'], ['高', 'GAO'], ['林', 'LIN'], ['罗', 'LUO'], ['郑', 'ZHENG'],
  ['梁', 'LIANG'], ['谢', 'XIE'], ['宋', 'SONG'], ['唐', 'TANG'], ['许', 'XU'], ['韩', 'HAN'], ['冯', 'FENG'],
  ['邓', 'DENG'], ['曹', 'CAO'], ['彭', 'PENG'], ['曾', 'ZENG'], ['肖', 'XIAO'], ['田', 'TIAN'], ['董', 'DONG'],
  ['袁', 'YUAN'], ['潘', 'PAN'], ['于', 'YU'], ['蒋', 'JIANG'], ['蔡', 'CAI'], ['余', 'YU'], ['杜', 'DU'],
  ['叶', 'YE'], ['程', 'CHENG'], ['苏', 'SU'], ['魏', 'WEI'], ['吕', 'LYU'], ['丁', 'DING'], ['任', 'REN'],
  ['沈', 'SHEN'], ['姚', 'YAO'], ['卢', 'LU'], ['姜', 'JIANG'], ['崔', 'CUI'], ['钟', 'ZHONG'], ['谭', 'TAN'],
  ['陆', 'LU'], ['汪', 'WANG'], ['范', 'FAN'], ['金', 'JIN'], ['石', 'SHI'], ['廖', 'LIAO'], ['贾', 'JIA'],
  ['夏', 'XIA'], ['韦', 'WEI'], ['方', 'FANG'], ['白', 'BAI'], ['邹', 'ZOU'], ['孟', 'MENG'], ['熊', 'XIONG'],
  ['秦', 'QIN'], ['邱', 'QIU'], ['江', 'JIANG'], ['尹', 'YIN'], ['薛', 'XUE'], ['段', 'DUAN'], ['雷', 'LEI'],
  ['侯', 'HOU'], ['龙', 'LONG'], ['史', 'SHI'], ['陶', 'TAO'], ['黎', 'LI'], ['贺', 'HE'], ['顾', 'GU'],
  ['毛', 'MAO'], ['郝', 'HAO'], ['龚', 'GONG'], ['邵', 'SHAO'], ['万', 'WAN'], ['钱', 'QIAN'], ['严', 'YAN'],
  ['覃', 'QIN'], ['武', 'WU'], ['戴', 'DAI'], ['莫', 'MO'], ['孔', 'KONG'], ['向', 'XIANG'], ['汤', 'TANG'],
];

/** Two-character surnames are rare; with them the given name has one character (3 hanzi in all). */
export const COMPOUND_SURNAMES: ReadonlyArray<readonly [string, string]> = [
  ['欧阳', 'OUYANG'], ['司马', 'SIMA'], ['上官', 'SHANGGUAN'], ['诸葛', 'ZHUGE'],
];

export const GIVEN_MALE: ReadonlyArray<readonly [string, string]> = [
  ['伟', 'WEI'], ['强', 'QIANG'], ['磊', 'LEI'], ['军', 'JUN'], ['洋', 'YANG'], ['勇', 'YONG'], ['杰', 'JIE'],
  ['涛', 'TAO'], ['明', 'MING'], ['超', 'CHAO'], ['刚', 'GANG'], ['平', 'PING'], ['辉', 'HUI'], ['鹏', 'PENG'],
  ['华', 'HUA'], ['飞', 'FEI'], ['鑫', 'XIN'], ['波', 'BO'], ['斌', 'BIN'], ['宇', 'YU'], ['浩', 'HAO'],
  ['凯', 'KAI'], ['健', 'JIAN'], ['俊', 'JUN'], ['帆', 'FAN'], ['旭', 'XU'], ['宁', 'NING'], ['龙', 'LONG'],
  ['林', 'LIN'], ['峰', 'FENG'], ['建', 'JIAN'], ['国', 'GUO'], ['志', 'ZHI'], ['文', 'WEN'], ['海', 'HAI'],
  ['东', 'DONG'], ['亮', 'LIANG'], ['成', 'CHENG'], ['博', 'BO'], ['子', 'ZI'], ['轩', 'XUAN'], ['晨', 'CHEN'],
  ['振', 'ZHEN'], ['天', 'TIAN'], ['昊', 'HAO'], ['然', 'RAN'], ['嘉', 'JIA'], ['永', 'YONG'], ['德', 'DE'],
];

export const GIVEN_FEMALE: ReadonlyArray<readonly [string, string]> = [
  ['芳', 'FANG'], ['娜', 'NA'], ['敏', 'MIN'], ['静', 'JING'], ['丽', 'LI'], ['艳', 'YAN'], ['娟', 'JUAN'],
  ['霞', 'XIA'], ['秀', 'XIU'], ['燕', 'YAN'], ['玲', 'LING'], ['桂', 'GUI'], ['丹', 'DAN'], ['萍', 'PING'],
  ['红', 'HONG'], ['玉', 'YU'], ['兰', 'LAN'], ['婷', 'TING'], ['雪', 'XUE'], ['琳', 'LIN'], ['慧', 'HUI'],
  ['莹', 'YING'], ['晶', 'JING'], ['倩', 'QIAN'], ['颖', 'YING'], ['洁', 'JIE'], ['佳', 'JIA'], ['欣', 'XIN'],
  ['怡', 'YI'], ['梅', 'MEI'], ['琴', 'QIN'], ['云', 'YUN'], ['悦', 'YUE'], ['思', 'SI'], ['雨', 'YU'],
  ['梦', 'MENG'], ['月', 'YUE'], ['诗', 'SHI'], ['涵', 'HAN'], ['瑶', 'YAO'], ['英', 'YING'], ['凤', 'FENG'],
  ['淑', 'SHU'], ['文', 'WEN'], ['晨', 'CHEN'], ['宁', 'NING'],
];

/** Street names shared by most Chinese cities, so any district can have them. */
export const STREETS = [
  '人民路', '解放路', '中山路', '建设路', '和平路', '新华路', '胜利路', '文化路', '长江路', '光明街',
  '友谊路', '育才路', '青年路', '迎宾大道', '滨河路', '东风路', '幸福路', '朝阳路', '工农路', '花园街',
];

export const COMMUNITIES = ['阳光', '锦绣', '翠苑', '幸福', '金色家园', '和谐', '东方', '紫荆', '枫林', '丽景'];

/** Foreign passports, so the passport reader also meets Latin names with several given names. */
export interface ForeignState {
  code: string;
  name: string;
  authority: string;
  cities: readonly string[];
  surnames: readonly string[];
  givenMale: readonly string[];
  givenFemale: readonly string[];
  /** How this state's passport numbers look: L letter, D digit, A either. */
  numberPattern: string;
}

export const FOREIGN_STATES: readonly ForeignState[] = [
  {
    code: 'GBR', name: 'UNITED KINGDOM', authority: 'HMPO', cities: ['LONDON', 'MANCHESTER', 'LEEDS'],
    surnames: ['SMITH', 'JONES', 'TAYLOR', 'BROWN', 'WILSON', 'EVANS'],
    givenMale: ['OLIVER', 'JAMES', 'GEORGE', 'HARRY', 'THOMAS'], givenFemale: ['EMMA', 'SOPHIE', 'AMELIA', 'GRACE', 'LUCY'],
    numberPattern: 'DDDDDDDDD',
  },
  {
    // Germany is left out on purpose: its one-letter code 'D<<' is a special case of its own.
    code: 'NZL', name: 'NEW ZEALAND', authority: 'NEW ZEALAND', cities: ['AUCKLAND', 'WELLINGTON', 'DUNEDIN'],
    surnames: ['WILLIAMS', 'NGATA', 'MORRIS', 'WALKER', 'KING'],
    givenMale: ['SAMUEL', 'LUCAS', 'MASON', 'ARLO'], givenFemale: ['ELLA', 'AMELIA', 'HAZEL', 'ISABELLA'],
    numberPattern: 'LLDDDDDD',
  },
  {
    code: 'FRA', name: 'FRANCE', authority: 'PREFECTURE DE PARIS', cities: ['PARIS', 'LYON', 'MARSEILLE'],
    surnames: ['MARTIN', 'BERNARD', 'DUBOIS', 'THOMAS', 'ROBERT', 'PETIT'],
    givenMale: ['LOUIS', 'HUGO', 'JULES', 'ARTHUR', 'LEO'], givenFemale: ['CAMILLE', 'CHLOE', 'MANON', 'LOUISE', 'JADE'],
    numberPattern: 'DDLLDDDDD',
  },
  {
    code: 'CAN', name: 'CANADA', authority: 'GATINEAU', cities: ['TORONTO', 'VANCOUVER', 'MONTREAL'],
    surnames: ['TREMBLAY', 'ROY', 'GAGNON', 'MACDONALD', 'CAMPBELL'],
    givenMale: ['LIAM', 'NOAH', 'ETHAN', 'BENJAMIN'], givenFemale: ['OLIVIA', 'CHARLOTTE', 'AVA', 'EMILY'],
    numberPattern: 'LLDDDDDD',
  },
  {
    code: 'AUS', name: 'AUSTRALIA', authority: 'AUSTRALIA', cities: ['SYDNEY', 'MELBOURNE', 'PERTH'],
    surnames: ['CLARKE', 'WHITE', 'KELLY', 'HARRIS', 'THOMPSON'],
    givenMale: ['JACK', 'WILLIAM', 'OSCAR', 'HENRY'], givenFemale: ['ISLA', 'MIA', 'ZOE', 'RUBY'],
    numberPattern: 'LDDDDDDD',
  },
];
