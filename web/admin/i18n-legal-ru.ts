// Strings for exclusions, the program's legal texts and members' agreements, in Russian (spread into i18n-ru.ts).
export const legalRu = {
  'exclusions.title': 'Исключения',
  'exclusions.hint': 'Товары, за которые программа ничего не даёт; акции и уровни подчиняются этим спискам. Табак нельзя ни поощрять, ни продавать со скидкой (15-ФЗ, ст. 16): внесите его в оба списка. Коды — как их передаёт касса, по одному в строке или через запятую.',
  'exclusions.earn': 'Баллы не начисляются',
  'exclusions.redeem': 'Нельзя оплатить баллами, скидки акций и уровней не действуют',
  'exclusions.categories': 'Категории',
  'exclusions.skus': 'Артикулы',
};
