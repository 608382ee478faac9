package seal

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"

	"zhongshu/internal/platform/errs"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testMaster is 00 01 … 1f: a visible test key, never a real one.
const testMaster = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

func newKeys(t testing.TB, master string) *Keys {
	t.Helper()
	k, err := New(mustHex(t, master))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestSM3Vectors runs the GB/T 32905-2016 Appendix A examples, so a broken
// or swapped hash implementation is caught before it writes chain heads.
func TestSM3Vectors(t *testing.T) {
	for in, want := range map[string]string{
		// A.1: "abc".
		"abc": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
		// A.2: "abcd" × 16, exactly one 512-bit block before padding.
		strings.Repeat("abcd", 16): "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
	} {
		if got := SM3Hex([]byte(in)); got != want {
			t.Errorf("SM3Hex(%q) = %s, want %s", in, got, want)
		}
		if got := hex.EncodeToString(SM3([]byte(in))); got != want {
			t.Errorf("SM3(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestSM4Vectors runs the GB/T 32907-2016 Appendix A examples on the raw
// block cipher that Keys wraps in GCM.
func TestSM4Vectors(t *testing.T) {
	key := mustHex(t, "0123456789abcdeffedcba9876543210")
	c, err := sm4.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	// A.1: one block, plaintext = key.
	got := make([]byte, 16)
	c.Encrypt(got, key)
	if want := "681edf34d206965e86b3e94f536e4246"; hex.EncodeToString(got) != want {
		t.Fatalf("SM4 encrypt = %x, want %s", got, want)
	}
	back := make([]byte, 16)
	c.Decrypt(back, got)
	if !bytes.Equal(back, key) {
		t.Fatalf("SM4 decrypt = %x, want %x", back, key)
	}
	// A.2: the same block encrypted 1,000,000 times; catches errors that
	// a single block can hide (for example in the key schedule reuse).
	if testing.Short() {
		return
	}
	buf := append([]byte(nil), key...)
	for i := 0; i < 1000000; i++ {
		c.Encrypt(buf, buf)
	}
	if want := "595298c7c6fd271f0402f804c33d3f66"; hex.EncodeToString(buf) != want {
		t.Fatalf("SM4 ×1e6 = %x, want %s", buf, want)
	}
}

// TestGolden pins key derivation, blind index, MAC and the sealed format
// to values cross-checked with OpenSSL 3.0 (Python hashlib HMAC-SM3 and
// cryptography's SM4-GCM). If any of these change, data already stored
// becomes unreadable or unfindable, so a refactor must not change them.
func TestGolden(t *testing.T) {
	k := newKeys(t, testMaster)
	if got, want := k.BlindIndex("id_number", "110101200001010002"),
		"6db6fad5f7c7dedf7efacaf7e982f9a2a8c6364850b671df4350e7d90e0cab17"; got != want {
		t.Errorf("BlindIndex = %s, want %s", got, want)
	}
	if got, want := hex.EncodeToString(k.MAC([]byte("chain"))),
		"297c3631a1054ea89d869234dc047a72f1a2c40876fcf88f1a2e9b0d5a8437b8"; got != want {
		t.Errorf("MAC = %s, want %s", got, want)
	}
	// SM4 key = HMAC-SM3(master, "zhongshu/enc/v1")[:16] =
	// 109059c871824f35bd1df4ccf7eac4fc; zero nonce only because it is a test.
	sealed := "01" + "000000000000000000000000" + "59bf3e05d7f3f33f947fa8" + "2cde72051d9224d27ba1f169481811f6"
	if got := hex.EncodeToString(k.seal(make([]byte, 12), []byte("13800138000"), []byte("person/1/mobile"))); got != sealed {
		t.Errorf("seal = %s, want %s", got, sealed)
	}
	plain, err := k.Decrypt(mustHex(t, sealed), []byte("person/1/mobile"))
	if err != nil || string(plain) != "13800138000" {
		t.Errorf("Decrypt(golden) = %q, %v", plain, err)
	}
}

func TestNewKeyLength(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := New(make([]byte, n)); err == nil {
			t.Errorf("New accepted a %d-byte master key", n)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	var s Sealer = newKeys(t, testMaster)
	for _, plain := range [][]byte{nil, {}, []byte("110101200001010002"), bytes.Repeat([]byte("张"), 1000)} {
		aad := []byte("person/42/id_number")
		c, err := s.Encrypt(plain, aad)
		if err != nil {
			t.Fatal(err)
		}
		if c[0] != Version1 || len(c) != 1+12+len(plain)+16 {
			t.Fatalf("sealed layout wrong: version %#x, len %d for %d-byte plaintext", c[0], len(c), len(plain))
		}
		if len(plain) >= 4 && bytes.Contains(c, plain[:4]) {
			t.Fatalf("ciphertext contains plaintext")
		}
		got, err := s.Decrypt(c, aad)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, plain) {
			t.Fatalf("round trip: got %q want %q", got, plain)
		}
	}
}

// TestNonceFresh: the same value sealed twice must differ, or equal
// ciphertexts would leak equal 身份证号 across rows (that is the blind
// index's job, under a separate key).
func TestNonceFresh(t *testing.T) {
	k := newKeys(t, testMaster)
	a, _ := k.Encrypt([]byte("13800138000"), nil)
	b, _ := k.Encrypt([]byte("13800138000"), nil)
	if bytes.Equal(a, b) || bytes.Equal(a[1:13], b[1:13]) {
		t.Fatal("two encryptions share a nonce")
	}
}

// wantOpenFail checks the fail-closed contract: no plaintext, an Internal
// error that wraps ErrOpen.
func wantOpenFail(t *testing.T, what string, plain []byte, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: decrypted to %q, want failure", what, plain)
	}
	if plain != nil {
		t.Fatalf("%s: returned plaintext %q alongside error", what, plain)
	}
	if !errors.Is(err, ErrOpen) || errs.KindOf(err) != errs.Internal {
		t.Fatalf("%s: error %v is not an internal ErrOpen", what, err)
	}
}

func TestWrongKeyFails(t *testing.T) {
	c, err := newKeys(t, testMaster).Encrypt([]byte("13800138000"), nil)
	if err != nil {
		t.Fatal(err)
	}
	other := newKeys(t, strings.Repeat("ab", 32))
	p, err := other.Decrypt(c, nil)
	wantOpenFail(t, "wrong key", p, err)
}

func TestTamperFails(t *testing.T) {
	k := newKeys(t, testMaster)
	aad := []byte("person/1/mobile")
	c, err := k.Encrypt([]byte("13800138000"), aad)
	if err != nil {
		t.Fatal(err)
	}
	// Flip each byte in turn: version, nonce, ciphertext and tag all count.
	for i := range c {
		bad := append([]byte(nil), c...)
		bad[i] ^= 0x01
		p, err := k.Decrypt(bad, aad)
		wantOpenFail(t, fmt.Sprintf("flipped byte %d", i), p, err)
	}
	for _, cut := range []int{0, 1, 13, 28, len(c) - 1} {
		p, err := k.Decrypt(c[:cut], aad)
		wantOpenFail(t, "truncated", p, err)
	}
	p, err := k.Decrypt(append(append([]byte(nil), c...), 0), aad)
	wantOpenFail(t, "extended", p, err)
}

// TestAADMismatchFails: a sealed value moved to another row or column must
// not open there.
func TestAADMismatchFails(t *testing.T) {
	k := newKeys(t, testMaster)
	c, err := k.Encrypt([]byte("110101200001010002"), []byte("person/1/id_number"))
	if err != nil {
		t.Fatal(err)
	}
	for _, aad := range [][]byte{[]byte("person/2/id_number"), nil, []byte("person/1/mobile")} {
		p, err := k.Decrypt(c, aad)
		wantOpenFail(t, "aad "+string(aad), p, err)
	}
}

func TestBlindIndex(t *testing.T) {
	k := newKeys(t, testMaster)
	a := k.BlindIndex("id_number", "110101200001010002")
	if a != k.BlindIndex("id_number", "110101200001010002") {
		t.Fatal("blind index is not deterministic")
	}
	if len(a) != 64 || strings.ToLower(a) != a {
		t.Fatalf("blind index %q is not 64 lower-case hex", a)
	}
	// Another Keys from the same master gives the same index: lookups keep
	// working across restarts.
	if a != newKeys(t, testMaster).BlindIndex("id_number", "110101200001010002") {
		t.Fatal("blind index differs between instances with the same master")
	}
	for name, b := range map[string]string{
		"other value":  k.BlindIndex("id_number", "11010519491231002X"),
		"other domain": k.BlindIndex("mobile", "110101200001010002"),
		// The NUL separator keeps ("ab","c") and ("a","bc") apart.
		"shifted boundary": k.BlindIndex("id_numbe", "r110101200001010002"),
		"other key":        newKeys(t, strings.Repeat("ab", 32)).BlindIndex("id_number", "110101200001010002"),
	} {
		if b == a {
			t.Errorf("%s: blind index collides", name)
		}
	}
	// Subkeys are separated: the index is not the MAC of the same input.
	if hex.EncodeToString(k.MAC([]byte("id_number\x00110101200001010002"))) == a {
		t.Error("index and MAC subkeys are the same")
	}
}

func TestMAC(t *testing.T) {
	k := newKeys(t, testMaster)
	m := k.MAC([]byte("head"))
	if len(m) != 32 || !bytes.Equal(m, k.MAC([]byte("head"))) {
		t.Fatal("MAC not deterministic 32 bytes")
	}
	if bytes.Equal(m, k.MAC([]byte("heae"))) {
		t.Fatal("MAC ignores data")
	}
}

func TestLoadKeyCreatesThenReads(t *testing.T) {
	t.Setenv(EnvKey, "")
	dir := filepath.Join(t.TempDir(), "state", "keys")
	path := filepath.Join(dir, "master.key")

	k1, src, err := LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if src != SourceCreated || len(k1) != 32 {
		t.Fatalf("first LoadKey: source %q, %d bytes", src, len(k1))
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("key dir mode %v, want 0700", di.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if string(b) != hex.EncodeToString(k1)+"\n" {
		t.Errorf("key file content is not 64 hex + newline: %q", b)
	}
	// No temporary files left next to the key.
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("key dir holds %d entries, want 1", len(ents))
	}

	k2, src, err := LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if src != SourceFile || !bytes.Equal(k1, k2) {
		t.Fatalf("second LoadKey: source %q, same key %v", src, bytes.Equal(k1, k2))
	}
}

func TestLoadKeyReadsExistingFile(t *testing.T) {
	t.Setenv(EnvKey, "")
	path := filepath.Join(t.TempDir(), "master.key")
	if err := os.WriteFile(path, []byte(testMaster+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, src, err := LoadKey(path)
	if err != nil || src != SourceFile || hex.EncodeToString(k) != testMaster {
		t.Fatalf("LoadKey = %x, %q, %v", k, src, err)
	}
}

// TestLoadKeyBadFile: a damaged key file must stop startup, not be replaced
// by a fresh key that can't open anything already stored.
func TestLoadKeyBadFile(t *testing.T) {
	t.Setenv(EnvKey, "")
	for name, content := range map[string]string{
		"empty":     "",
		"short":     testMaster[:62] + "\n",
		"not hex":   strings.Repeat("zz", 32) + "\n",
		"base64":    base64.StdEncoding.EncodeToString(mustHex(t, testMaster)) + "\n",
		"extra hex": testMaster + "00\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "master.key")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			k, _, err := LoadKey(path)
			if err == nil {
				t.Fatalf("LoadKey accepted %q as %x", content, k)
			}
			if strings.Contains(err.Error(), strings.TrimSpace(content)) && content != "" {
				t.Errorf("error %q echoes key material", err)
			}
			if b, _ := os.ReadFile(path); string(b) != content {
				t.Error("bad key file was overwritten")
			}
		})
	}
}

func TestLoadKeyEnvOverride(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	if err := os.WriteFile(path, []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	raw := mustHex(t, testMaster)
	for name, v := range map[string]string{
		"hex":        testMaster,
		"upper hex":  strings.ToUpper(testMaster),
		"base64":     base64.StdEncoding.EncodeToString(raw),
		"raw base64": base64.RawURLEncoding.EncodeToString(raw),
		"whitespace": " " + testMaster + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(EnvKey, v)
			k, src, err := LoadKey(path)
			if err != nil || src != SourceEnv || !bytes.Equal(k, raw) {
				t.Fatalf("LoadKey with %s env = %x, %q, %v", name, k, src, err)
			}
		})
	}
	// The env key wins without touching the file system: no file is
	// created when the env var is set.
	t.Run("no file created", func(t *testing.T) {
		t.Setenv(EnvKey, testMaster)
		p := filepath.Join(t.TempDir(), "absent", "master.key")
		if _, _, err := LoadKey(p); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Dir(p)); !os.IsNotExist(err) {
			t.Fatal("LoadKey created a key directory although the env key was set")
		}
	})
	for name, v := range map[string]string{
		"short hex":  testMaster[:62],
		"16 bytes":   base64.StdEncoding.EncodeToString(raw[:16]),
		"garbage":    "not a key",
		"64 non-hex": strings.Repeat("g", 64),
	} {
		t.Run("bad "+name, func(t *testing.T) {
			t.Setenv(EnvKey, v)
			if k, _, err := LoadKey(path); err == nil {
				t.Fatalf("LoadKey accepted env %q as %x", v, k)
			} else if strings.Contains(err.Error(), v) {
				t.Errorf("error %q echoes the env value", err)
			}
		})
	}
}

// FuzzDecrypt: arbitrary stored bytes (a corrupted column, a hostile
// import) must never panic or yield plaintext.
func FuzzDecrypt(f *testing.F) {
	k := newKeys(f, testMaster)
	// A fixed nonce: fuzz workers rebuild this setup in other processes,
	// and a random one would make the seed differ from the check below.
	good := k.seal(bytes.Repeat([]byte{7}, 12), []byte("13800138000"), []byte("aad"))
	f.Add(good, []byte("aad"))
	f.Add([]byte{}, []byte(nil))
	f.Add([]byte{Version1}, []byte("aad"))
	f.Add(make([]byte, 29), []byte("aad"))
	f.Fuzz(func(t *testing.T, sealed, aad []byte) {
		p, err := k.Decrypt(sealed, aad)
		if err == nil {
			// Only an exact copy of a value we sealed can open.
			if !bytes.Equal(sealed, good) || string(aad) != "aad" || string(p) != "13800138000" {
				t.Fatalf("Decrypt(%x, %q) opened to %q", sealed, aad, p)
			}
		}
	})
}

// The keyed HMAC states are pooled and reused (issue 8): concurrent use
// gives exactly what a fresh HMAC-SM3 gives.
func TestPooledHMACConcurrent(t *testing.T) {
	k := newKeys(t, testMaster)
	want := map[string]string{}
	for i := range 20 {
		v := fmt.Sprintf("1101012000010100%02d", i)
		m := hmac.New(sm3.New, k.idx)
		m.Write([]byte("id_number\x00" + v))
		want[v] = hex.EncodeToString(m.Sum(nil))
	}
	refMAC := hmac.New(sm3.New, k.mac)
	refMAC.Write([]byte("payload"))
	wantMAC := refMAC.Sum(nil)
	var wg sync.WaitGroup
	errc := make(chan string, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				for v, w := range want {
					if got := k.BlindIndex("id_number", v); got != w {
						errc <- "blind index " + v + " = " + got
						return
					}
				}
				if got := k.MAC([]byte("payload")); !bytes.Equal(got, wantMAC) {
					errc <- "MAC differs"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for e := range errc {
		t.Fatal(e)
	}
}

func BenchmarkBlindIndex(b *testing.B) {
	k, err := New(bytes.Repeat([]byte{7}, MasterKeySize))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		k.BlindIndex("id_number", "110101200001010002")
	}
}
