/**
 * Token types of the PIX command language.
 *
 * Cisco words are whitespace-delimited and keywords are unreserved (a vpdn
 * group may be called `pptp`, a pool `pool`). So the lexer (lexer.ts) cuts
 * the line into words and classifies each WHOLE word: an exact keyword gets
 * its keyword type, anything else is Word / Number / IPv4 / IpRange /
 * ParenName. That is `longer_alt: Word` semantics at the cost of one map
 * lookup per word.
 *
 * Value positions in the rules consume *placeholder categories* (GroupName,
 * Seconds, IpAddr, ...) rather than concrete tokens. Every concrete token
 * that may stand there belongs to the category, so
 *   - a keyword can be used as a name (`AnyWord` is in every name category),
 *   - content assist (`?`, Tab) reports the placeholder itself, which is how
 *     help prints `WORD  VPDN group name` and Tab knows to offer live names.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

function category(name: string): TokenType {
  return createToken({ name, pattern: Lexer.NA });
}

// ---- placeholder categories (help labels live in help.ts) ----------------
export const GroupName = category('GroupName');
export const PoolName = category('PoolName');
export const AaaTag = category('AaaTag');
export const UserName = category('UserName');
export const Secret = category('Secret');
export const IfName = category('IfName');
export const HwName = category('HwName');
export const HostName = category('HostName');
export const VersionText = category('VersionText');
/** Free words at the end of a kept-verbatim line. */
export const Tail = category('Tail');

export const IpAddr = category('IpAddr');
export const Mask = category('Mask');
export const RangeArg = category('RangeArg');
export const ParenIf = category('ParenIf');

export const Seconds = category('Seconds');
export const Minutes = category('Minutes');
export const Port = category('Port');
export const Attempts = category('Attempts');
export const PagerLines = category('PagerLines');
export const MtuBytes = category('MtuBytes');
export const Facility = category('Facility');
export const QueueSize = category('QueueSize');
export const TunnelId = category('TunnelId');
export const MppeBits = category('MppeBits');
export const Width = category('Width');
export const Level = category('Level');
export const SecurityLevel = category('SecurityLevel');
export const SessionCount = category('SessionCount');
export const FailureCount = category('FailureCount');
export const BackoffSeconds = category('BackoffSeconds');
export const InterimSeconds = category('InterimSeconds');
export const CaptureName = category('CaptureName');
/** `copy` destination: a plain file path. */
export const FilePath = category('FilePath');

/** Any single word (used by name placeholders and verbatim tails). */
export const AnyWord = createToken({
  name: 'AnyWord',
  pattern: Lexer.NA,
  categories: [
    GroupName, PoolName, AaaTag, UserName, Secret, IfName, HwName, HostName, VersionText, SecurityLevel, Tail,
    CaptureName, FilePath,
  ],
});

// ---- concrete value tokens -----------------------------------------------
export const Word = createToken({ name: 'Word', pattern: Lexer.NA, categories: [AnyWord] });
export const NumberTok = createToken({
  name: 'Number',
  pattern: Lexer.NA,
  categories: [
    AnyWord, Seconds, Minutes, Port, Attempts, PagerLines, MtuBytes, Facility, QueueSize, TunnelId,
    MppeBits, Width, Level, SessionCount, FailureCount, BackoffSeconds, InterimSeconds,
  ],
});
export const IPv4 = createToken({ name: 'IPv4', pattern: Lexer.NA, categories: [AnyWord, IpAddr, Mask] });
export const IpRange = createToken({ name: 'IpRange', pattern: Lexer.NA, categories: [AnyWord, RangeArg] });
/** `(outside)`: the interface in parentheses of aaa-server/nat/global. */
export const ParenName = createToken({ name: 'ParenName', pattern: Lexer.NA, categories: [AnyWord, ParenIf] });
/** `capture:NAME` (the source of `copy capture:NAME FILE`). */
export const CaptureRef = createToken({ name: 'CaptureRef', pattern: Lexer.NA, categories: [AnyWord] });
/** Appended after the last word: lets `?` show `<cr>` and rules demand an end. */
export const Eol = createToken({ name: 'Eol', pattern: Lexer.NA });

// ---- keywords --------------------------------------------------------------
/** lower-case image -> keyword token type */
export const KEYWORDS = new Map<string, TokenType>();
export const KEYWORD_TYPES: TokenType[] = [];

function kw(image: string, extra: TokenType[] = []): TokenType {
  const name = 'Kw_' + image.replace(/[^a-zA-Z0-9]/g, (c) => (c === '-' ? '_' : '$'));
  const t = createToken({ name, pattern: Lexer.NA, categories: [AnyWord, ...extra] });
  (t as TokenType & { KEYWORD: string }).KEYWORD = image;
  KEYWORDS.set(image, t);
  KEYWORD_TYPES.push(t);
  return t;
}

/** The keyword text of a keyword token type (undefined for other types). */
export function keywordOf(t: TokenType): string | undefined {
  return (t as TokenType & { KEYWORD?: string }).KEYWORD;
}

// exec
export const Enable = kw('enable');
export const Disable = kw('disable');
export const Configure = kw('configure');
export const Terminal = kw('terminal');
export const Exit = kw('exit');
export const Quit = kw('quit');
export const Logout = kw('logout');
export const End = kw('end');
export const Help = kw('help');
export const Show = kw('show');
export const Write = kw('write');
export const Copy = kw('copy');
export const Clear = kw('clear');
export const Debug = kw('debug');
export const Undebug = kw('undebug');
export const No = kw('no');
export const Memory = kw('memory');
export const Erase = kw('erase');
export const RunningConfig = kw('running-config');
export const StartupConfig = kw('startup-config');
export const Monitor = kw('monitor');
export const Pager = kw('pager');
export const All = kw('all');
export const Id = kw('id');
export const User = kw('user');
export const Tunnel = kw('tunnel');
export const Session = kw('session');
export const Pppinterface = kw('pppinterface');
export const Username = kw('username');
export const Group = kw('group');
export const Vpdn = kw('vpdn');
export const Ip = kw('ip');
export const Local = kw('local');
export const Pool = kw('pool');
export const AaaServer = kw('aaa-server');
export const Logging = kw('logging');
export const Version = kw('version');
export const History = kw('history');
export const Interface = kw('interface');
export const Event = kw('event');
export const Events = kw('events');
export const ErrorKw = kw('error');
export const Errors = kw('errors', [Level]);
export const Packet = kw('packet');
export const Ppp = kw('ppp');
export const Io = kw('io');
export const Uauth = kw('uauth');
export const Negotiation = kw('negotiation');
export const Authentication = kw('authentication');
export const Mppe = kw('mppe');
export const Radius = kw('radius');
export const Aaa = kw('aaa');
export const Accounting = kw('accounting');
export const Tacacs = kw('tacacs');
export const WidthKw = kw('width');
export const PixKw = kw('pix');
export const Diagnostics = kw('diagnostics');
export const Capture = kw('capture');
export const Packets = kw('packets');
export const State = kw('state');
export const Summary = kw('summary');
export const Transport = kw('transport');
export const Window = kw('window');

// vpdn
export const Accept = kw('accept');
export const Dialin = kw('dialin');
export const Pptp = kw('pptp');
export const Pap = kw('pap');
export const Chap = kw('chap');
export const Mschap = kw('mschap');
export const MschapV2 = kw('mschap-v2');
export const Encryption = kw('encryption');
export const Auto = kw('auto', [MppeBits]);
export const Required = kw('required');
export const Stateful = kw('stateful');
export const Stateless = kw('stateless');
export const Client = kw('client');
export const Configuration = kw('configuration');
export const Address = kw('address');
export const Dns = kw('dns');
export const Wins = kw('wins');
export const Echo = kw('echo');
export const Password = kw('password');
// vpdn limit (extension)
export const Limit = kw('limit');
export const Sessions = kw('sessions');
export const PerSource = kw('per-source');
export const AuthFailures = kw('auth-failures');
export const Backoff = kw('backoff');
export const SetupTimeout = kw('setup-timeout');

// aaa-server
export const Protocol = kw('protocol');
export const TacacsPlus = kw('tacacs+');
export const Host = kw('host');
export const Timeout = kw('timeout');
export const AuthenticationPort = kw('authentication-port');
export const AccountingPort = kw('accounting-port');
export const MaxFailedAttempts = kw('max-failed-attempts');
export const Deadtime = kw('deadtime');
export const RadiusAuthport = kw('radius-authport');
export const RadiusAcctport = kw('radius-acctport');
export const Key = kw('key');
export const DynamicAuthorization = kw('dynamic-authorization');
export const PortKw = kw('port');
export const Interim = kw('interim');
export const MaskKw = kw('mask');
export const Request = kw('request');
export const Localname = kw('localname');
export const StoreLocal = kw('store-local');
export const L2tp = kw('l2tp');

// system
export const Sysopt = kw('sysopt');
export const Connection = kw('connection');
export const PermitPptp = kw('permit-pptp');
export const Hostname = kw('hostname');
export const Encrypted = kw('encrypted');
export const Passwd = kw('passwd');
export const Lines = kw('lines');
export const On = kw('on');
export const Timestamp = kw('timestamp');
export const Standby = kw('standby');
export const Console = kw('console');
export const Buffered = kw('buffered');
export const Trap = kw('trap');
export const FacilityKw = kw('facility');
export const Queue = kw('queue');
export const Nameif = kw('nameif');
export const Mtu = kw('mtu');

/** syslog severities by name, index = level */
export const LEVEL_NAMES = [
  'emergencies', 'alerts', 'critical', 'errors', 'warnings', 'notifications', 'informational', 'debugging',
] as const;
export const LevelKeywords: TokenType[] = LEVEL_NAMES.filter((n) => n !== 'errors').map((n) => kw(n, [Level]));

/** First words of lines that are accepted and kept verbatim (typed nowhere). */
export const OPAQUE_COMMANDS = [
  'fixup', 'names', 'name', 'access-list', 'nat', 'global', 'route', 'conduit', 'outbound', 'apply',
  'snmp-server', 'floodguard', 'isakmp', 'telnet', 'pdm', 'crypto', 'arp', 'failover', 'domain-name', 'clock',
  'icmp', 'static', 'access-group', 'ntp', 'http', 'tftp-server', 'ssh', 'dhcpd', 'vpngroup', 'management-access',
  'url-server', 'filter', 'object-group', 'rip', 'established', 'banner', 'privilege', 'ca', 'dhcprelay',
  'multicast', 'shun', 'service', 'virtual', 'auth-prompt', 'mgcp', 'smtps', 'alias', 'igmp', 'ospf', 'prefix-list',
  'router', 'url-cache', 'url-block',
];
/** Second words of `ip ...` lines that are kept verbatim. */
export const OPAQUE_IP_SUBCOMMANDS = ['audit', 'verify', 'domain-name', 'name-server'];

export const OpaqueFirst: TokenType[] = OPAQUE_COMMANDS.map((w) => kw(w));
export const OpaqueIpSecond: TokenType[] = OPAQUE_IP_SUBCOMMANDS.map((w) => kw(w));

/** Every token type the parser knows (categories first). */
export const ALL_TOKENS: TokenType[] = [
  GroupName, PoolName, AaaTag, UserName, Secret, IfName, HwName, HostName, VersionText, Tail,
  IpAddr, Mask, RangeArg, ParenIf,
  Seconds, Minutes, Port, Attempts, PagerLines, MtuBytes, Facility, QueueSize, TunnelId, MppeBits, Width, Level,
  SecurityLevel, SessionCount, FailureCount, BackoffSeconds, InterimSeconds, CaptureName, FilePath,
  AnyWord, Word, NumberTok, IPv4, IpRange, ParenName, CaptureRef, Eol,
  ...KEYWORD_TYPES,
];
