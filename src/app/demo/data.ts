/**
 * The raw material of the demo: a small Moscow-area chain (supermarkets, pharmacies, a clothing
 * store and a web shop), its catalogue with prices in kopecks, Russian names and towns.
 */

import { WEEKDAYS, type OpeningHours } from '../../domain/stores.js';

export type StoreFormat = 'grocery' | 'pharmacy' | 'clothing' | 'online';

export interface DemoStore {
  storeId: string;
  name: string;
  address: string | null;
  format: StoreFormat;
  /** Share of the chain's receipts. */
  traffic: number;
  channel: 'pos' | 'online';
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  openingHours: OpeningHours | null;
}

const everyDay = (open: string, close: string): OpeningHours => Object.fromEntries(WEEKDAYS.map((d) => [d, [[open, close]]]));
const GROCERY = everyDay('08:00', '23:00');
const PHARMACY: OpeningHours = { ...everyDay('08:00', '22:00'), sun: [['10:00', '20:00']] };
const MALL = everyDay('10:00', '22:00');

export const STORES: readonly DemoStore[] = [
  { storeId: 'MSK-TVERSKAYA', name: 'Копилка Маркет на Тверской', address: 'Москва, ул. Тверская, д. 18, стр. 1', format: 'grocery', traffic: 22, channel: 'pos', city: 'Москва', latitude: 55.7652, longitude: 37.6039, openingHours: GROCERY },
  { storeId: 'MSK-LENINSKY', name: 'Копилка Маркет на Ленинском', address: 'Москва, Ленинский пр-т, д. 62/1', format: 'grocery', traffic: 20, channel: 'pos', city: 'Москва', latitude: 55.6985, longitude: 37.5647, openingHours: GROCERY },
  { storeId: 'MSK-MARYINO', name: 'Копилка Маркет Марьино', address: 'Москва, ул. Люблинская, д. 169, корп. 2', format: 'grocery', traffic: 16, channel: 'pos', city: 'Москва', latitude: 55.6517, longitude: 37.7437, openingHours: GROCERY },
  { storeId: 'MYT-OLIMP', name: 'Копилка Маркет Мытищи', address: 'Московская обл., г. Мытищи, Олимпийский пр-т, д. 13', format: 'grocery', traffic: 12, channel: 'pos', city: 'Мытищи', latitude: 55.9108, longitude: 37.7331, openingHours: GROCERY },
  { storeId: 'MSK-ARBAT-APT', name: 'Копилка Аптека на Арбате', address: 'Москва, ул. Арбат, д. 24', format: 'pharmacy', traffic: 9, channel: 'pos', city: 'Москва', latitude: 55.7502, longitude: 37.5924, openingHours: PHARMACY },
  { storeId: 'ODN-APT', name: 'Копилка Аптека Одинцово', address: 'Московская обл., г. Одинцово, ул. Молодёжная, д. 46', format: 'pharmacy', traffic: 7, channel: 'pos', city: 'Одинцово', latitude: 55.6773, longitude: 37.2781, openingHours: PHARMACY },
  { storeId: 'KHM-MEGA', name: 'Копилка Стиль, ТЦ «Мега Химки»', address: 'Московская обл., г. Химки, мкр. ИКЕА, корп. 2', format: 'clothing', traffic: 6, channel: 'pos', city: 'Химки', latitude: 55.9116, longitude: 37.3967, openingHours: MALL },
  { storeId: 'WEB', name: 'Интернет-магазин kopilka-shop.ru', address: null, format: 'online', traffic: 8, channel: 'online', city: null, latitude: null, longitude: null, openingHours: null },
];

export interface Sku {
  sku: string;
  name: string;
  category: string;
  /** Unit price in kopecks. */
  price: number;
  /** How often it lands in a basket, relative to its neighbours. */
  popularity: number;
  format: Exclude<StoreFormat, 'online'>;
}

/** The 13th digit of an EAN-13 code (also used for the demo's card numbers). */
export function ean13(first12: string): string {
  const sum = [...first12].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return `${first12}${(10 - (sum % 10)) % 10}`;
}

const sku = (format: Sku['format']) => (code: string, name: string, category: string, price: number, popularity: number): Sku => ({ sku: ean13(code), name, category, price, popularity, format });
const g = sku('grocery');
const p = sku('pharmacy');
const c = sku('clothing');

export const CATALOGUE: readonly Sku[] = [
  g('460000100001', 'Молоко 3,2 % 930 мл', 'dairy', 8990, 10),
  g('460000100002', 'Кефир 2,5 % 900 г', 'dairy', 7990, 6),
  g('460000100003', 'Творог 5 % 350 г', 'dairy', 15990, 5),
  g('460000100004', 'Сметана 20 % 300 г', 'dairy', 10990, 5),
  g('460000100005', 'Сыр «Российский» 200 г', 'dairy', 22990, 5),
  g('460000100006', 'Масло сливочное 82,5 % 180 г', 'dairy', 24990, 4),
  g('460000100007', 'Яйца С1, 10 шт.', 'dairy', 12990, 7),
  g('460000100008', 'Хлеб «Бородинский» 400 г', 'bakery', 6490, 9),
  g('460000100009', 'Батон нарезной 350 г', 'bakery', 5490, 8),
  g('460000100010', 'Круассан с шоколадом', 'bakery', 7990, 4),
  g('460000100011', 'Бананы, 1 кг', 'produce', 14990, 8),
  g('460000100012', 'Яблоки «Голден», 1 кг', 'produce', 16990, 6),
  g('460000100013', 'Картофель молодой, 1 кг', 'produce', 6990, 6),
  g('460000100014', 'Огурцы среднеплодные, 1 кг', 'produce', 19990, 5),
  g('460000100015', 'Помидоры черри 250 г', 'produce', 17990, 4),
  g('460000100016', 'Куриное филе охлаждённое, 1 кг', 'meat', 42990, 5),
  g('460000100017', 'Фарш говяжий 400 г', 'meat', 32990, 3),
  g('460000100018', 'Пельмени «Сибирские» 800 г', 'meat', 39990, 3),
  g('460000100019', 'Сёмга слабосолёная 150 г', 'fish', 49990, 2),
  g('460000100020', 'Гречка ядрица 900 г', 'grocery', 11990, 4),
  g('460000100021', 'Макароны «Спагетти» 450 г', 'grocery', 8990, 4),
  g('460000100022', 'Рис круглозёрный 900 г', 'grocery', 10990, 3),
  g('460000100023', 'Масло подсолнечное 1 л', 'grocery', 15990, 3),
  g('460000100024', 'Чай чёрный, 100 пакетиков', 'beverages', 29990, 3),
  g('460000100025', 'Кофе молотый 250 г', 'beverages', 54990, 3),
  g('460000100026', 'Вода минеральная 1,5 л', 'beverages', 6990, 6),
  g('460000100027', 'Сок яблочный 1 л', 'beverages', 13990, 4),
  g('460000100028', 'Шоколад молочный 90 г', 'sweets', 9990, 6),
  g('460000100029', 'Печенье овсяное 300 г', 'sweets', 11990, 4),
  g('460000100030', 'Чипсы 140 г', 'snacks', 15990, 4),
  g('460000100031', 'Средство для мытья посуды 500 мл', 'household', 14990, 2),
  g('460000100032', 'Туалетная бумага, 8 рулонов', 'household', 34990, 2),
  g('460000100033', 'Корм для кошек 85 г', 'pets', 3990, 3),
  g('460000100034', 'Пиво светлое 0,45 л', 'alcohol', 9990, 3),
  g('460000100035', 'Вино красное сухое 0,75 л', 'alcohol', 79990, 1),
  g('460000100036', 'Сигареты, пачка', 'tobacco', 22000, 1),
  p('460000200001', 'Ибупрофен 200 мг, 20 таб.', 'medicines', 12990, 8),
  p('460000200002', 'Парацетамол 500 мг, 10 таб.', 'medicines', 4990, 8),
  p('460000200003', 'Капли назальные 10 мл', 'medicines', 19990, 6),
  p('460000200004', 'Пастилки от боли в горле, 24 шт.', 'medicines', 44990, 4),
  p('460000200005', 'Омега-3, 60 капсул', 'vitamins', 89990, 3),
  p('460000200006', 'Витамин D3 2000 МЕ, 60 таб.', 'vitamins', 59990, 4),
  p('460000200007', 'Мультивитамины, 30 таб.', 'vitamins', 74990, 3),
  p('460000200008', 'Крем для рук 75 мл', 'cosmetics', 24990, 4),
  p('460000200009', 'Солнцезащитный крем SPF 50', 'cosmetics', 129990, 1),
  p('460000200010', 'Зубная паста 100 мл', 'hygiene', 21990, 5),
  p('460000200011', 'Пластырь, 20 шт.', 'hygiene', 14990, 4),
  p('460000200012', 'Подгузники, 60 шт.', 'baby', 149990, 2),
  p('460000200013', 'Тонометр автоматический', 'medical_devices', 349990, 1),
  c('460000300001', 'Футболка базовая хлопок', 'clothing', 99900, 8),
  c('460000300002', 'Джинсы прямые', 'clothing', 349900, 4),
  c('460000300003', 'Худи оверсайз', 'clothing', 299900, 4),
  c('460000300004', 'Платье трикотажное', 'clothing', 399900, 3),
  c('460000300005', 'Куртка демисезонная', 'clothing', 799900, 2),
  c('460000300006', 'Носки, 3 пары', 'clothing', 49900, 9),
  c('460000300007', 'Кроссовки городские', 'footwear', 599900, 3),
  c('460000300008', 'Ботинки зимние', 'footwear', 899900, 1),
  c('460000300009', 'Шапка вязаная', 'accessories', 89900, 4),
  c('460000300010', 'Шарф', 'accessories', 129900, 3),
  c('460000300011', 'Рюкзак городской', 'accessories', 249900, 2),
];

/** Categories a Russian program may not reward or discount: tobacco by law, alcohol by practice. */
export const DEMO_EARN_EXCLUSIONS = { categories: ['tobacco'], skus: [] as string[] };
export const DEMO_REDEEM_EXCLUSIONS = { categories: ['tobacco', 'alcohol'], skus: [] as string[] };

export const MALE_NAMES = [
  'Александр', 'Дмитрий', 'Максим', 'Сергей', 'Андрей', 'Алексей', 'Артём', 'Илья', 'Кирилл', 'Михаил',
  'Никита', 'Матвей', 'Роман', 'Егор', 'Иван', 'Владимир', 'Павел', 'Денис', 'Евгений', 'Николай',
  'Олег', 'Константин', 'Тимур', 'Григорий', 'Юрий',
] as const;

export const FEMALE_NAMES = [
  'Анна', 'Мария', 'Елена', 'Ольга', 'Наталья', 'Екатерина', 'Татьяна', 'Ирина', 'Светлана', 'Юлия',
  'Анастасия', 'Дарья', 'Полина', 'Виктория', 'Ксения', 'Алина', 'Марина', 'Софья', 'Валентина', 'Людмила',
  'Вера', 'Надежда', 'Галина', 'Елизавета', 'Алёна',
] as const;

/** Surnames in their masculine form; `surname()` gives the feminine one. */
export const SURNAMES = [
  'Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров',
  'Морозов', 'Волков', 'Алексеев', 'Лебедев', 'Семёнов', 'Егоров', 'Павлов', 'Козлов', 'Степанов', 'Николаев',
  'Орлов', 'Андреев', 'Макаров', 'Никитин', 'Захаров', 'Зайцев', 'Соловьёв', 'Борисов', 'Яковлев', 'Григорьев',
  'Романов', 'Воробьёв', 'Сергеев', 'Кузьмин', 'Фролов', 'Александров', 'Дмитриев', 'Королёв', 'Гусев', 'Киселёв',
  'Ильин', 'Максимов', 'Поляков', 'Сорокин', 'Виноградов', 'Ковалёв', 'Белов', 'Медведев', 'Антонов', 'Тарасов',
  'Жуков', 'Баранов', 'Филиппов', 'Комаров', 'Давыдов', 'Беляев', 'Герасимов', 'Богданов', 'Осипов', 'Сидоров',
  'Матвеев', 'Титов', 'Марков', 'Миронов', 'Крылов', 'Куликов', 'Карпов', 'Власов', 'Мельников', 'Денисов',
  'Гаврилов', 'Тихонов', 'Казаков', 'Афанасьев', 'Данилов', 'Савельев', 'Тимофеев', 'Фомин', 'Чернов', 'Абрамов',
  'Островский', 'Покровский', 'Вишневский', 'Рождественский', 'Высоцкий', 'Белецкий',
] as const;

export function surname(masculine: string, gender: 'male' | 'female'): string {
  if (gender === 'male') return masculine;
  if (/(ский|цкий)$/.test(masculine)) return masculine.replace(/ий$/, 'ая');
  return `${masculine}а`;
}

/** Where members live, with weights: mostly Moscow, then the towns around the stores. */
export const CITIES: readonly (readonly [string, number])[] = [
  ['Москва', 62],
  ['Химки', 7],
  ['Мытищи', 7],
  ['Одинцово', 6],
  ['Красногорск', 4],
  ['Королёв', 3],
  ['Балашиха', 3],
  ['Люберцы', 3],
  ['Подольск', 2],
  ['Долгопрудный', 2],
  ['Зеленоград', 1],
];

export const EMAIL_DOMAINS: readonly (readonly [string, number])[] = [
  ['yandex.ru', 35],
  ['mail.ru', 30],
  ['gmail.com', 20],
  ['bk.ru', 5],
  ['inbox.ru', 4],
  ['rambler.ru', 3],
  ['list.ru', 3],
];

/**
 * Mobile codes after +7 (DEF codes) of the big Russian operators; every number built on them is
 * valid for libphonenumber.
 */
export const MOBILE_CODES = [
  '900', '901', '902', '903', '904', '905', '906', '908', '909', '910', '912', '915', '916', '917', '919',
  '920', '925', '926', '929', '936', '950', '951', '952', '953', '958', '960', '961', '962', '963', '964',
  '965', '966', '967', '968', '977', '978', '980', '981', '985', '986', '988', '991', '993', '995', '996', '999',
] as const;

const TRANSLIT: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};

/** Latin letters for an e-mail's local part (a simplified passport transliteration). */
export function translit(text: string): string {
  return [...text.toLowerCase()].map((ch) => TRANSLIT[ch] ?? (/[a-z0-9]/.test(ch) ? ch : '')).join('');
}
