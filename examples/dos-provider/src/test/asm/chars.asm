; CHARS.COM: one character at a time through DOS (int 21h AH=02h, AH=06h), the fast console (int 29h)
; and the BIOS (int 10h AH=0Eh); ends with a near RET to PSP:0000, which holds int 20h.
        org 100h
        mov dl, 'D'
        mov ah, 02h
        int 21h
        mov dl, 'O'
        mov ah, 06h
        int 21h
        mov al, 'S'
        int 29h
        mov al, '!'
        mov ah, 0Eh
        mov bx, 0
        int 10h
        mov si, crlf
.next:  lodsb
        or al, al
        jz .done
        int 29h
        jmp .next
.done:  ret
crlf    db 13, 10, 0
