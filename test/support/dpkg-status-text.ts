// A dpkg status database as Debian writes it, for the SBOM's unit tests.

/** Three paragraphs as dpkg writes them (continuation lines, a conffile list), and two not installed. */
export const STATUS = `Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12986
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u10
Depends: libgcc-s1
Conffiles:
 /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.
 .
 This package includes shared versions of the standard C library.

Package: bsdutils
Essential: yes
Status: install ok installed
Architecture: amd64
Source: util-linux (2.38.1-5+deb12u3)
Version: 1:2.38.1-5+deb12u3
Description: basic utilities from 4.4BSD-Lite

Package: old-removed
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1

Package: never-there
Status: purge ok not-installed
Architecture: all

Package: python3
Status: hold ok installed
Architecture: amd64
Source: python3-defaults
Version: 3.11.2-1+b1
Description: interactive high-level object-oriented language (default version)
`;
