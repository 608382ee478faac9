package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/crypto/argon2"

	"zhongshu/internal/platform/errs"
)

// argon2id parameters: OWASP's 19 MiB, t=2, p=1 (ASVS 11.4.2).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// hashSlots bounds the argon2id computations running at once. Each holds
// argonMemory (19 MiB) while it runs, and the work is pure CPU: with 64
// sign-ins at once the process held 64 × 19 MiB (issue 8: peak RSS up to
// 725 MB) without signing anyone in sooner than GOMAXPROCS at a time does.
// Past the slots a sign-in waits its turn; the memory stays bounded at
// GOMAXPROCS × 19 MiB, which the collector reuses for the next hash.
// On a large machine the slots stop at 8 (152 MiB of hashing at most).
var hashSlots = make(chan struct{}, max(1, min(8, runtime.GOMAXPROCS(0))))

// argonKey is argon2.IDKey within a hash slot.
func argonKey(pw, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey(pw, salt, t, m, p, n)
}

// HashPassword returns an encoded argon2id hash ("$argon2id$v=19$m=…,t=…,p=…$salt$key").
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argonKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether pw matches an encoded hash.
func CheckPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || m > 1<<20 || t > 10 {
		return false
	}
	got := argonKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a login names no account, so that the
// response time does not reveal which usernames exist. It is made on first
// use, not at package start: every command (serve's start-up included)
// would otherwise spend a full argon2id hash before doing anything.
var dummyHash = sync.OnceValue(func() string { return HashPassword("no-such-user-dummy") })

// common lists passwords that satisfy the composition rule yet are the
// first ones tried (ASVS 6.2.4); the full breached list is a deployment file.
var common = map[string]bool{
	"password1": true, "password123": true, "p@ssw0rd": true, "passw0rd": true, "qwer1234": true,
	"abc@1234": true, "abcd1234": true, "admin123": true, "admin@123": true, "test@123": true,
	"1qaz2wsx": true, "1qaz@wsx": true, "qwe123!@#": true, "aa123456": true, "a1234567": true,
	"zxcvbnm1": true, "woaini1314": true, "iloveyou1": true, "welcome1": true, "changeme1": true,
}

// CheckPolicy validates a new password against the policy: length, three of
// four character classes, not containing the login name, not common
// (等保 8.1.4.1a practice; SECURITY.md §1).
func CheckPolicy(pol Policy, username, pw string) error {
	if n := len([]rune(pw)); n < pol.MinLength {
		return errs.Field("password", fmt.Sprintf("密码至少 %d 位，当前 %d 位", pol.MinLength, n),
			fmt.Sprintf("password must have at least %d characters (has %d)", pol.MinLength, n))
	}
	if len(pw) > 128 {
		return errs.Field("password", "密码不能超过 128 个字符", "password must not exceed 128 characters")
	}
	var up, lo, di, sy int
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			up = 1
		case unicode.IsLower(r):
			lo = 1
		case unicode.IsDigit(r):
			di = 1
		default:
			sy = 1
		}
	}
	if c := up + lo + di + sy; c < pol.MinClasses {
		return errs.Field("password", fmt.Sprintf("密码须包含大写字母、小写字母、数字、符号中的至少 %d 类，当前 %d 类", pol.MinClasses, c),
			fmt.Sprintf("password must mix at least %d of upper case, lower case, digits and symbols (has %d)", pol.MinClasses, c))
	}
	if username != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(username)) {
		return errs.Field("password", "密码不能包含登录名", "password must not contain the login name")
	}
	if common[strings.ToLower(pw)] {
		return errs.Field("password", "该密码过于常见，请换一个", "this password is too common; choose another")
	}
	return nil
}

// NewToken returns a random 256-bit token, base64url (ASVS 7.2.3).
func NewToken(prefix string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// TempPassword returns a random password that satisfies the default policy.
func TempPassword() string {
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	return "Zs-" + base64.RawURLEncoding.EncodeToString(b) + "9a"
}
