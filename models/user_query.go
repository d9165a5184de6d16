package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// EnsureUser creates user name with password unless it exists; with reset, an existing user's password
// is set to password (WEFT_ADMIN_PASSWORD is authoritative). It reports whether the user was created.
func (s *Store) EnsureUser(ctx context.Context, name, password string, reset bool) (bool, error) {
	if err := ValidateName("user", name); err != nil {
		return false, err
	}
	if err := checkPassword(password); err != nil {
		return false, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return false, fmt.Errorf("models: hash password: %w", err)
	}
	created := false
	err = s.write(ctx, func(tx *gorm.DB) error {
		var u User
		err := tx.Where("name = ?", name).First(&u).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			created = true
			return tx.Create(&User{Name: name, PasswordHash: string(hash)}).Error
		case err != nil:
			return err
		case reset:
			return tx.Model(&u).Update("password_hash", string(hash)).Error
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("models: ensure user %q: %w", name, err)
	}
	return created, nil
}

func checkPassword(pw string) error {
	if len(pw) < MinPasswordLength {
		return Errorf(EINVALID, "password must be at least %d characters", MinPasswordLength)
	}
	if len(pw) > 72 { // bcrypt's limit
		return Errorf(EINVALID, "password must be at most 72 bytes")
	}
	return nil
}

// Login checks a user name and password and starts a session; it returns the cookie value.
func (s *Store) Login(ctx context.Context, name, password string) (string, *User, error) {
	var u User
	err := s.read(ctx).Where("name = ?", name).First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password)) // same time as a wrong password
		return "", nil, Errorf(EUNAUTHORIZED, "wrong user name or password")
	} else if err != nil {
		return "", nil, fmt.Errorf("models: login: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return "", nil, Errorf(EUNAUTHORIZED, "wrong user name or password")
	}
	value, err := NewTokenValue()
	if err != nil {
		return "", nil, err
	}
	now := time.Now().UTC()
	sess := Session{Hash: hashToken(value), UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionLifetime)}
	err = s.write(ctx, func(tx *gorm.DB) error {
		tx.Where("expires_at < ?", now).Delete(&Session{}) // purge old sessions as we go
		if err := tx.Create(&sess).Error; err != nil {
			return err
		}
		return audit(tx, Actor{Name: u.Name, Source: "dashboard"}, "user.login", "", "", "user "+u.Name, "", "signed in")
	})
	if err != nil {
		return "", nil, fmt.Errorf("models: login: %w", err)
	}
	return value, &u, nil
}

var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a real password"), bcrypt.DefaultCost)

// SessionUser returns the user of a live session, sliding its expiry; EUNAUTHORIZED otherwise.
func (s *Store) SessionUser(ctx context.Context, value string) (*User, error) {
	var sess Session
	err := s.read(ctx).Preload("User").Where("hash = ?", hashToken(value)).First(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, Errorf(EUNAUTHORIZED, "not signed in")
	} else if err != nil {
		return nil, fmt.Errorf("models: session: %w", err)
	}
	now := time.Now().UTC()
	if now.After(sess.ExpiresAt) {
		return nil, Errorf(EUNAUTHORIZED, "session expired")
	}
	if now.Sub(sess.LastSeenAt) > time.Minute {
		s.read(ctx).Model(&sess).Updates(map[string]any{"last_seen_at": now, "expires_at": now.Add(SessionLifetime)})
	}
	return &sess.User, nil
}

// Logout ends a session.
func (s *Store) Logout(ctx context.Context, value string) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		return tx.Where("hash = ?", hashToken(value)).Delete(&Session{}).Error
	})
}

// ChangePassword sets a new password after checking the current one, and ends the user's other sessions.
func (s *Store) ChangePassword(ctx context.Context, userID uint, current, next string) error {
	var u User
	if err := s.read(ctx).First(&u, userID).Error; err != nil {
		return fmt.Errorf("models: change password: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(current)) != nil {
		return Errorf(EINVALID, "the current password is wrong")
	}
	if err := checkPassword(next); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(next), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("models: hash password: %w", err)
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&u).Update("password_hash", string(hash)).Error; err != nil {
			return err
		}
		return audit(tx, Actor{Name: u.Name, Source: "dashboard"}, "user.password", "", "", "user "+u.Name, "", "password changed")
	})
}
