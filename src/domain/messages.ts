/** Texts the platform sends on its own behalf, in the program's language. */
export interface CodeMessage {
  subject: string;
  text: string;
}

/** The sign-in code message, e.g. for SMS `Демо: код входа 042917. Никому его не сообщайте.` */
export function codeMessage(locale: 'ru' | 'en', programName: string, code: string, channel: 'email' | 'sms', ttlMinutes: number): CodeMessage {
  if (locale === 'en') {
    return {
      subject: `${programName}: your sign-in code ${code}`,
      text:
        channel === 'sms'
          ? `${programName}: sign-in code ${code}. Do not share it.`
          : `Your code to sign in to ${programName}: ${code}\n\nIt is valid for ${ttlMinutes} minutes. If you did not ask for it, ignore this message; do not tell the code to anyone.\n`,
    };
  }
  return {
    subject: `${programName}: код для входа ${code}`,
    text:
      channel === 'sms'
        ? `${programName}: код входа ${code}. Никому его не сообщайте.`
        : `Ваш код для входа в программу «${programName}»: ${code}\n\nОн действует ${ttlMinutes} минут. Если вы его не запрашивали, просто проигнорируйте это письмо и никому не сообщайте код.\n`,
  };
}
