package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/policygraph/policygraph/fault"
)

const secret = "test-secret-0123456789-abcdefghij"

func sign(t *testing.T, m jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func claims(mod func(jwt.MapClaims)) jwt.MapClaims {
	c := jwt.MapClaims{"sub": "alice", "role": "editor", "iss": "https://id.example", "aud": "policygraph",
		"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix()}
	if mod != nil {
		mod(c)
	}
	return c
}

func TestVerifyHS256(t *testing.T) {
	v := NewVerifier(Config{HS256Secret: []byte(secret), Issuer: "https://id.example", Audience: "policygraph"})
	good := sign(t, jwt.SigningMethodHS256, []byte(secret), claims(nil))
	p, err := v.Verify(good)
	if err != nil || p != (Principal{Subject: "alice", Role: RoleEditor, Method: "jwt"}) {
		t.Fatalf("good token: %+v, %v", p, err)
	}
	cases := []struct {
		name, token, want string
	}{
		{"expired", sign(t, jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() })), "expired"},
		{"no exp", sign(t, jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { delete(c, "exp") })), "required claim"},
		{"wrong issuer", sign(t, jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { c["iss"] = "https://evil.example" })), "wrong issuer"},
		{"wrong audience", sign(t, jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { c["aud"] = "other" })), "wrong audience"},
		{"wrong secret", sign(t, jwt.SigningMethodHS256, []byte("another-secret-of-enough-length!!"), claims(nil)), "signature"},
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)), "signature or algorithm"},
		{"HS512", sign(t, jwt.SigningMethodHS512, []byte(secret), claims(nil)), "signature or algorithm"},
		{"no role", sign(t, jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { delete(c, "role") })), "no role"},
		{"unknown role", sign(t, jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { c["role"] = "root" })), "no role"},
		{"no sub", sign(t, jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { delete(c, "sub") })), "no sub"},
		{"no iss", sign(t, jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { delete(c, "iss") })), "claim (iss) is missing"},
		{"no aud", sign(t, jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { delete(c, "aud") })), "claim (aud) is missing"},
		{"future iat", sign(t, jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { c["iat"] = time.Now().Add(time.Hour).Unix() })), "not valid yet"},
		{"long sub", sign(t, jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { c["sub"] = strings.Repeat("a", 5000) })), "sub must be"},
		{"control sub", sign(t, jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { c["sub"] = "eve\nadmin" })), "sub must be"},
		{"garbage", "abc.def.ghi", "malformed"},
		{"not a jwt", "just-some-words", "not a JWT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.Verify(tc.token)
			if !errors.Is(err, fault.ErrUnauthorized) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrUnauthorized mentioning %q", err, tc.want)
			}
			if strings.Contains(err.Error(), tc.token) || strings.Contains(err.Error(), secret) {
				t.Errorf("error quotes the credential: %v", err)
			}
		})
	}
}

func TestRoleClaimForms(t *testing.T) {
	v := NewVerifier(Config{HS256Secret: []byte(secret), RoleClaim: "roles"})
	for _, tc := range []struct {
		claim any
		want  Role
	}{
		{[]any{"reader", "admin"}, RoleAdmin},
		{"reader editor", RoleEditor},
		{[]any{"viewer", "reader"}, RoleReader},
	} {
		tok := sign(t, jwt.SigningMethodHS256, []byte(secret), claims(func(c jwt.MapClaims) { delete(c, "role"); c["roles"] = tc.claim }))
		p, err := v.Verify(tok)
		if err != nil || p.Role != tc.want {
			t.Errorf("roles %v: %+v %v, want %s", tc.claim, p, err, tc.want)
		}
	}
}

func rsaKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pub.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return k, path
}

func TestVerifyRS256AndAlgorithmConfusion(t *testing.T) {
	k, path := rsaKey(t)
	pub, err := LoadRS256PublicKey(path)
	if err != nil {
		t.Fatal(err)
	}
	v := NewVerifier(Config{RS256PublicKey: pub})
	p, err := v.Verify(sign(t, jwt.SigningMethodRS256, k, claims(nil)))
	if err != nil || p.Subject != "alice" || p.Role != RoleEditor {
		t.Fatalf("RS256 token: %+v %v", p, err)
	}
	// The classic confusion: an HS256 token whose HMAC key is the RSA public key's PEM.
	pemBytes, _ := os.ReadFile(path)
	forged := sign(t, jwt.SigningMethodHS256, pemBytes, claims(func(c jwt.MapClaims) { c["role"] = "admin" }))
	if _, err := v.Verify(forged); !errors.Is(err, fault.ErrUnauthorized) {
		t.Errorf("HS256 token keyed with the RSA public key accepted: %v", err)
	}
	other, _ := rsaKey(t)
	if _, err := v.Verify(sign(t, jwt.SigningMethodRS256, other, claims(nil))); !errors.Is(err, fault.ErrUnauthorized) {
		t.Errorf("token of another key accepted: %v", err)
	}
	if _, err := LoadRS256PublicKey(filepath.Join(t.TempDir(), "missing.pem")); err == nil {
		t.Error("missing key file accepted")
	}
}

func TestAPIKeys(t *testing.T) {
	plain := "pk_live_abcdefghijklmnop"
	sum := sha256.Sum256([]byte("hashed-key-value-0123456789"))
	keys, err := ParseAPIKeys("ops@" + plain + "=admin, sha256:" + hex.EncodeToString(sum[:]) + "=reader, base64ishkey0123456789==")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 || keys[0].Name != "ops" || keys[0].Role != RoleAdmin || keys[1].Role != RoleReader || keys[2].Role != RoleEditor {
		t.Fatalf("keys: %+v", keys)
	}
	v := NewVerifier(Config{APIKeys: keys})
	if p, err := v.Verify(plain); err != nil || p != (Principal{Subject: "apikey:ops", Role: RoleAdmin, Method: "apikey"}) {
		t.Errorf("plain key: %+v %v", p, err)
	}
	if p, err := v.Verify("hashed-key-value-0123456789"); err != nil || p.Role != RoleReader || p.Subject != "apikey:"+hex.EncodeToString(sum[:4]) {
		t.Errorf("hashed key: %+v %v", p, err)
	}
	if p, err := v.Verify("base64ishkey0123456789=="); err != nil || p.Role != RoleEditor {
		t.Errorf("key with padding: %+v %v", p, err)
	}
	if _, err := v.Verify("pk_live_wrong"); !errors.Is(err, fault.ErrUnauthorized) || strings.Contains(err.Error(), "pk_live") {
		t.Errorf("wrong key: %v", err)
	}
	for _, bad := range []string{"short=editor", "sha256:abcd=editor", "long-enough-key-0123=superuser"} {
		if _, err := ParseAPIKeys(bad); err == nil {
			t.Errorf("ParseAPIKeys(%q) accepted", bad)
		} else if strings.Contains(err.Error(), "long-enough") || strings.Contains(err.Error(), "short") {
			t.Errorf("ParseAPIKeys error quotes the key: %v", err)
		}
	}
}

func TestRequire(t *testing.T) {
	ctx := context.Background()
	if err := Require(ctx, RoleEditor); !errors.Is(err, fault.ErrUnauthorized) {
		t.Errorf("anonymous: %v", err)
	}
	reader := WithPrincipal(ctx, Principal{Subject: "r", Role: RoleReader, Method: "jwt"})
	if err := Require(reader, RoleEditor); !errors.Is(err, fault.ErrForbidden) {
		t.Errorf("reader: %v", err)
	}
	admin := WithPrincipal(ctx, Principal{Subject: "a", Role: RoleAdmin, Method: "jwt"})
	if err := Require(admin, RoleEditor); err != nil {
		t.Errorf("admin: %v", err)
	}
	if FromContext(admin).Subject != "a" || !FromContext(ctx).Anonymous() {
		t.Error("FromContext")
	}
}

func TestConfigLogValueHidesSecrets(t *testing.T) {
	keys, _ := ParseAPIKeys("ci@secret-api-key-0123456789=editor")
	cfg := Config{HS256Secret: []byte(secret), APIKeys: keys}
	out := cfg.LogValue().String()
	if strings.Contains(out, secret) || strings.Contains(out, "secret-api-key") {
		t.Errorf("LogValue exposes a secret: %s", out)
	}
	if !strings.Contains(out, "hs256=true") || !strings.Contains(out, "ci=editor") {
		t.Errorf("LogValue: %s", out)
	}
}
