; UPCASE.COM: copies standard input to standard output in capitals, 64 bytes at a time (AH=3Fh, AH=40h),
; until a read returns 0 bytes (the end).
        org 100h
again:  mov ah, 3Fh
        xor bx, bx
        mov cx, 64
        mov dx, buf
        int 21h
        jc fail
        or ax, ax
        jz done
        push ax
        mov cx, ax
        mov si, buf
.up:    mov al, [si]
        cmp al, 'a'
        jb .keep
        cmp al, 'z'
        ja .keep
        sub al, 20h
        mov [si], al
.keep:  inc si
        loop .up
        pop cx
        mov ah, 40h
        mov bx, 1
        mov dx, buf
        int 21h
        jmp again
done:   mov ax, 4C00h
        int 21h
fail:   mov ax, 4C01h
        int 21h
buf     times 64 db 0
