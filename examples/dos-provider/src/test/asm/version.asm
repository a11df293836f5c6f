; VERSION.COM: prints the DOS version (AH=30h) and the current drive (AH=19h).
        org 100h
%include "dos.inc"
main:   mov ah, 30h
        int 21h
        add al, '0'
        mov [major], al
        mov ah, 19h
        int 21h
        add al, 'A'
        mov [drive], al
        print msg
        exit 0
msg     db "DOS "
major   db "?.0 on drive "
drive   db "?:", 13, 10, "$"
