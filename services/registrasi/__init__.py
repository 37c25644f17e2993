"""registrasi: agencies, users and roles, penyedia and their verification, login."""
