; ERRORS.COM: failing calls set the carry flag and an error code in AX. Prints one result per call:
;   open NOPE.TXT (file not found: E02), open NODIR\X.TXT (path not found: E03), close handle 99
;   (invalid handle: E06), function EEh (invalid function: E01), open D:\X (invalid drive: E0F),
;   open ..\..\..\etc\hostname (.. stops at the root, where etc does not exist: E03), open LINK\hostname where
;   LINK is a symbolic link out of the root (access denied: E05), create in a missing directory (E03).
        org 100h
%include "dos.inc"
main:   mov ax, 3D00h
        mov dx, nope
        int 21h
        call result
        mov ax, 3D00h
        mov dx, nodir
        int 21h
        call result
        mov ah, 3Eh
        mov bx, 99
        int 21h
        call result
        mov ah, 0EEh
        int 21h
        call result
        mov ax, 3D00h
        mov dx, drive
        int 21h
        call result
        mov ax, 3D00h
        mov dx, escape
        int 21h
        call result
        mov ax, 3D00h
        mov dx, link
        int 21h
        call result
        mov ah, 3Ch
        xor cx, cx
        mov dx, nodir
        int 21h
        call result
        print crlf
        exit 0
nope    db "NOPE.TXT", 0
nodir   db "NODIR\X.TXT", 0
drive   db "D:\X", 0
escape  db "..\..\..\etc\hostname", 0
link    db "LINK\hostname", 0
crlf    db 13, 10, "$"
