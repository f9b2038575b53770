import { createI18n } from '../shared/i18n-store';
import { dictionaries, type MemberKey } from './i18n';

export const i18n = createI18n<MemberKey>(dictionaries, 'kopilka.member.lang');
export const t = i18n.t;
export const tn = i18n.tn;
